# Reference values for paired pre/post statistics -> paired.json
# Run:  Rscript tests/reference/paired.R
#
# Per case: t.test(post, pre, paired = TRUE); effectsize::cohens_d /
# hedges_g (paired = TRUE, post first so the sign is post - pre, noncentral-t
# CI); d_av; wilcox.test(post, pre, paired = TRUE) with defaults; rank-biserial.
# See _common.R::paired_stats for the exact definitions.
#
# Rank-biserial: our definition (W+ - W-)/(W+ + W-) over non-zero
# differences and effectsize::rank_biserial(post, pre, paired = TRUE) agree
# in every case here (asserted below): effectsize 0.8.3 drops zero
# differences too and divides by n_nz (n_nz + 1)/2 = W+ + W-.

options(digits = 16)
get_dir <- function() {
  a <- commandArgs(trailingOnly = FALSE)
  f <- sub("^--file=", "", a[grep("^--file=", a)])
  if (length(f) == 0) getwd() else dirname(normalizePath(f[1]))
}
here <- get_dir()
source(file.path(here, "_common.R"))

cases <- list()
add <- function(name, pre, post) {
  cs <- paired_stats(pre, post, name = name)
  stopifnot(is.na(cs$rank_biserial) ||
              abs(cs$rank_biserial - cs$rank_biserial_effectsize) < 1e-12)
  cases[[length(cases) + 1]] <<- cs
}

# 1. sleep: group 1 = pre, group 2 = post, paired by ID
s1 <- sleep[sleep$group == "1", ]
s2 <- sleep[sleep$group == "2", ]
s1 <- s1[order(s1$ID), ]
s2 <- s2[order(s2$ID), ]
stopifnot(identical(as.character(s1$ID), as.character(s2$ID)))
add("sleep", s1$extra, s2$extra)

# 2. MASS::anorexia within each treatment
for (tr in c("CBT", "Cont", "FT")) {
  a <- MASS::anorexia[MASS::anorexia$Treat == tr, ]
  add(paste0("anorexia_", tr), a$Prewt, a$Postwt)
}

# 3. ties_zeros: 10 people, 1-5 Likert means of 5 items (multiples of 0.2);
#    two zero differences and tied |differences| (0.4 x4, 0.6 x3).
#    The floating-point differences of these particular values tie exactly
#    (checked: n_tie_groups == n_tie_groups_signif10).
add("ties_zeros",
    c(3.4, 2.8, 4.0, 3.6, 2.2, 3.0, 4.2, 2.6, 3.8, 3.2),
    c(3.0, 2.8, 3.4, 3.2, 2.6, 3.0, 3.6, 2.0, 3.4, 2.4))

# 4. exact_small: 8 pairs, no ties, no zeros -> exact signed-rank p
add("exact_small",
    c(12.1, 14.3, 11.8, 15.2, 13.0, 12.7, 16.1, 14.8),
    c(13.0, 15.9, 11.5, 17.3, 13.4, 15.2, 17.3, 14.1))

# 5. large_no_ties: 60 pairs, set.seed(1), normal approximation
set.seed(1)
pre60 <- rnorm(60, mean = 50, sd = 10)
post60 <- pre60 + rnorm(60, mean = 1.5, sd = 4)
add("large_no_ties", pre60, post60)

# 6. with_missing: 12 pairs, NA in pre (person 3) and in post (person 8);
#    4-item means (multiples of 0.25, exact in binary) so ties are exact.
add("with_missing",
    c(2.75, 3.5, NA, 4.0, 2.5, 3.25, 4.25, 3.5, 3.0, 3.25, 4.0, 2.75),
    c(2.5, 3.0, 3.25, 3.0, 2.75, 2.5, 3.75, NA, 2.25, 3.5, 3.25, 2.0))

# 7. negative_effect: n = 15, post mostly lower than pre, some ties
#    (integer sum scores -> exact float ties)
add("negative_effect",
    c(32, 28, 35, 30, 27, 33, 29, 31, 36, 26, 30, 34, 28, 31, 33),
    c(29, 27, 30, 30, 25, 29, 30, 27, 31, 24, 27, 31, 28, 26, 30))

# 8. n49_exact: 49 non-zero differences, no ties -> still exact (n < 50)
set.seed(49)
pre49 <- rnorm(49, mean = 20, sd = 4)
post49 <- pre49 + rnorm(49, mean = 0.8, sd = 2)
add("n49_exact", pre49, post49)

# 9. n50_normal: 50 non-zero differences, no ties -> normal approximation
set.seed(50)
pre50 <- rnorm(50, mean = 20, sd = 4)
post50 <- pre50 + rnorm(50, mean = 0.8, sd = 2)
add("n50_normal", pre50, post50)

names_ <- vapply(cases, `[[`, "", "name")
meth <- setNames(vapply(cases, `[[`, "", "wilcoxon_method"), names_)
print(meth)
stopifnot(meth[["exact_small"]] == "exact", meth[["n49_exact"]] == "exact",
          meth[["large_no_ties"]] == "normal", meth[["n50_normal"]] == "normal",
          meth[["ties_zeros"]] == "normal")
tz <- cases[[which(names_ == "ties_zeros")]]
stopifnot(tz$n_zero == 2, tz$n_tie_groups >= 1, tz$n_tie_groups == tz$n_tie_groups_signif10)
# Known: anorexia_CBT has floating-point "near ties" (0.7 appears as
# 0.69999999999998863 twice and 0.70000000000000284 once, 1.4 likewise), so
# R's default wilcox.test sees 3 tie groups (V = 303.5, p = 0.06447) while
# signif(d, 10) gives 4 (V = 304.5, p = 0.06137).  Both are stored.
for (cs in cases) {
  if (cs$n_tie_groups != cs$n_tie_groups_signif10)
    message("case ", cs$name, ": float ties differ from signif(d, 10) ties")
  if (cs$wilcoxon_method == "exact") stopifnot(cs$n_tie_groups == 0, cs$n_zero == 0)
}

out <- list(meta = make_meta("tests/reference/paired.R"), cases = cases)
write_ref(out, file.path(here, "paired.json"))
