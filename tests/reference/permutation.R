# Reference values for the small-group tests -> permutation.json
# Run:  Rscript tests/reference/permutation.R
#
# Per case (d = post - pre over complete pairs):
#   * sign-flip permutation test of the mean difference, two-sided, by brute
#     force: the 2^k sums of +-|d_i| over the k non-zero differences are built
#     by doubling (sums <- c(sums + x, sums - x)), an enumeration independent of
#     the Python bit-pattern code.  p = share of sums with
#     |sum| >= |S_obs| - 1e-9 * sum|d| (the documented tie tolerance);
#     p_no_tolerance uses |sum| >= |S_obs| with exact floating comparison.
#     Cross-check: coin::symmetry_test(distribution = "exact") where coin can.
#   * exact Wilcoxon signed-rank test conditional on ties (zeros dropped,
#     R's default ranking: exact floating-point equality of |d|): brute-force
#     enumeration of the 2^k subsets of the (doubled, integer) ranks,
#     p = min(1, 2 * min(P(V <= v), P(V >= v))); and
#     coin::wilcoxsign_test(distribution = "exact", zero.method = "Wilcoxon").
#   * shapiro.test(d).

options(digits = 16)
get_dir <- function() {
  a <- commandArgs(trailingOnly = FALSE)
  f <- sub("^--file=", "", a[grep("^--file=", a)])
  if (length(f) == 0) getwd() else dirname(normalizePath(f[1]))
}
here <- get_dir()
source(file.path(here, "_common.R"))
suppressPackageStartupMessages(library(coin))

TIE_RTOL <- 1e-9
BRUTE_MAX <- 22

sign_sums <- function(x) {
  s <- 0
  for (v in x) s <- c(s + v, s - v)
  s
}
rank_sums <- function(r2) {       # all subset sums of the doubled ranks
  s <- 0
  for (v in r2) s <- c(s + v, s)
  s
}

case <- function(name, pre, post, coin_perm = TRUE) {
  ok <- complete.cases(pre, post)
  d <- post[ok] - pre[ok]
  nz <- abs(d[d != 0])
  k <- length(nz)
  out <- list(name = name, pre = as.list(pre), post = as.list(post),
              n = length(d), n_nonzero = k, n_dropped = sum(!ok),
              statistic = mean(d))
  s_obs <- sum(d)
  if (k <= BRUTE_MAX) {
    s <- sign_sums(nz)
    thr <- abs(s_obs) - TIE_RTOL * sum(nz)
    out$perm_p <- mean(abs(s) >= thr)
    out$perm_count <- sum(abs(s) >= thr)
    out$perm_total <- length(s)
    out$perm_p_no_tolerance <- mean(abs(s) >= abs(s_obs))
  }
  if (coin_perm) {
    y <- c(post[ok], pre[ok])
    g <- factor(rep(c("post", "pre"), each = length(d)))
    b <- factor(rep(seq_along(d), 2))
    st <- tryCatch(pvalue(symmetry_test(y ~ g | b, distribution = "exact")),
                   error = function(e) NA_real_)
    out$coin_symmetry_exact_p <- as.numeric(st)
  }
  # exact conditional Wilcoxon
  dn <- d[d != 0]
  r <- rank(abs(dn))
  r2 <- as.integer(round(2 * r))
  v2 <- sum(r2[dn > 0])
  out$wilcoxon_V <- v2 / 2
  out$n_zero <- sum(d == 0)
  out$n_tie_groups <- sum(table(r) > 1)
  out$wilcoxon_expected <- sum(r) / 2
  if (k <= BRUTE_MAX) {
    vs <- rank_sums(r2)
    out$wilcoxon_exact_p <- min(1, 2 * min(mean(vs <= v2), mean(vs >= v2)))
  }
  y <- c(post[ok], pre[ok])
  g <- factor(rep(c("post", "pre"), each = length(d)))
  w <- wilcoxsign_test(post[ok] ~ pre[ok], distribution = "exact", zero.method = "Wilcoxon")
  out$coin_wilcoxsign_exact_p <- as.numeric(pvalue(w))
  if (out$n_zero == 0 && out$n_tie_groups == 0) {
    out$wilcox_test_exact_p <- wilcox.test(post[ok], pre[ok], paired = TRUE, exact = TRUE)$p.value
  }
  if (length(d) >= 3 && length(unique(d)) > 1) {
    sw <- shapiro.test(d)
    out$shapiro_W <- unname(sw$statistic)
    out$shapiro_p <- sw$p.value
  }
  message(name, ": k = ", k, ", perm p = ", format(out$perm_p), ", coin sym = ",
          format(out$coin_symmetry_exact_p), ", wilcoxon p = ", format(out$wilcoxon_exact_p),
          ", coin wsign = ", out$coin_wilcoxsign_exact_p)
  out
}

cases <- list()
add <- function(...) cases[[length(cases) + 1]] <<- case(...)

s1 <- sleep[sleep$group == "1", ]; s1 <- s1[order(s1$ID), ]
s2 <- sleep[sleep$group == "2", ]; s2 <- s2[order(s2$ID), ]
add("sleep", s1$extra, s2$extra)

an <- MASS::anorexia
for (tr in c("FT", "CBT", "Cont")) {
  sub <- an[an$Treat == tr, ]
  add(paste0("anorexia_", tr), sub$Prewt, sub$Postwt, coin_perm = TRUE)
}

# small groups on a 1-5 scale, scored as the mean of 5 items (grid of 0.2):
# zeros, ties and floating-point near-ties
set.seed(20261201)
likert_group <- function(n, shift) {
  items_pre <- matrix(sample(2:5, n * 5, replace = TRUE), n)
  items_post <- items_pre + matrix(sample(c(-2, -1, -1, 0, 0, 1), n * 5, replace = TRUE), n) + shift
  items_post[] <- pmin(5, pmax(1, items_post))
  list(pre = rowMeans(items_pre), post = rowMeans(items_post))
}
g <- likert_group(9, 0); add("likert_n9", g$pre, g$post)
g <- likert_group(12, 0); add("likert_n12", g$pre, g$post)
g <- likert_group(15, 1); add("likert_n15_shift", g$pre, g$post)
pre <- c(3.2, 3.6, 2.8, 4.0, 3.0, 3.4, 2.6, 3.8, 3.0)
post <- c(2.8, 3.6, 2.4, 3.2, 3.0, 3.0, 2.8, 3.0, 2.6)
add("doc_example_zeros", pre, post)
add("with_missing", c(3.2, NA, 2.8, 4.0, 3.0, 3.4, 2.6, 3.8), c(2.8, 3.1, NA, 3.2, 2.9, 3.0, 2.8, 3.5))
# exactly 20 non-zero continuous differences (the exact/Monte Carlo boundary)
x <- round(rnorm(20, 30, 5), 1); y <- round(x + rnorm(20, -1.5, 3), 1)
y[y == x] <- y[y == x] + 0.1
add("continuous_n20", x, y)
# 21 non-zero: Monte Carlo by default; brute force still gives the exact p
x <- round(rnorm(21, 30, 5), 1); y <- round(x + rnorm(21, -1, 3), 1)
y[y == x] <- y[y == x] + 0.1
add("continuous_n21", x, y)
# no effect at all: symmetric differences
add("symmetric", c(1, 2, 3, 4, 5, 6), c(2, 1, 4, 3, 6, 5))
add("tiny_n3", c(2, 3, 4), c(1, 3.5, 2))

meta <- make_meta("tests/reference/permutation.R")
meta$coin_version <- as.character(packageVersion("coin"))
meta$tie_rtol <- TIE_RTOL
write_ref(list(meta = meta, cases = cases), file.path(here, "permutation.json"))
