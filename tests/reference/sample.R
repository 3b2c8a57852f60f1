# Reference values for the study sample data/sample/qcity_long.csv
#   -> sample.json and sample_scores.csv
# Run:  Rscript tests/reference/sample.R
#
# Scoring
#   * ids are read as text ("007");  empty cells are missing.
#   * reverse keying: IND4, FAM3, WORK5, ORG2, SOC4 -> 6 - x.
#   * subscale score = mean of the answered keyed items if the number answered
#     >= ceiling(0.8 * k) (4 of 5; total: 20 of 25), else NA.  The mean is
#     computed as (sum of answered items) / (number answered), a single IEEE
#     double division of two exact integers, so it is bit-identical to
#     numpy's nansum / count.
#   * total = mean of all 25 answered keyed items (not the mean of the five
#     subscale means), >= 20 answered.
# Per group (intervention, control)
#   * n: pre rows, post rows, paired = ids with both a pre and a post row.
#   * per subscale and total, over ids with a non-NA score at both waves:
#     the paired statistics of paired.R (_common.R::paired_stats), plus
#     p_adj = Holm over the five subscales (total: p_adj = p),
#     alpha_pre = psych::alpha(keyed items, all pre rows of the group)$total$raw_alpha,
#     omega_pre = psych::omega(same items, nfactors = 1)$omega.tot.
#   * reliable change on the total: sd_pre = sd(total at pre, all pre rows of
#     the group with a total), r_xx = alpha_pre of the total, higher_is =
#     "worse" (improved if rci < -1.96, deteriorated if rci > 1.96), counted
#     over ids with both total scores.

options(digits = 16)
get_dir <- function() {
  a <- commandArgs(trailingOnly = FALSE)
  f <- sub("^--file=", "", a[grep("^--file=", a)])
  if (length(f) == 0) getwd() else dirname(normalizePath(f[1]))
}
here <- get_dir()
source(file.path(here, "_common.R"))
suppressPackageStartupMessages(library(GPArotation))

csv_path <- normalizePath(file.path(here, "..", "..", "data", "sample", "qcity_long.csv"),
                          mustWork = FALSE)
if (!file.exists(csv_path)) stop("sample file not found: ", csv_path)

dat <- read.csv(csv_path, colClasses = c(id = "character"), na.strings = "",
                stringsAsFactors = FALSE, check.names = FALSE)

LEVELS <- list(
  individual = paste0("IND", 1:5),
  family = paste0("FAM", 1:5),
  work = paste0("WORK", 1:5),
  organization = paste0("ORG", 1:5),
  society = paste0("SOC", 1:5)
)
ITEMS <- unlist(LEVELS, use.names = FALSE)
REVERSE <- c("IND4", "FAM3", "WORK5", "ORG2", "SOC4")
SCALES <- c(LEVELS, list(total = ITEMS))

stopifnot(all(c("id", "wave", "group", ITEMS) %in% names(dat)))
stopifnot(all(dat$wave %in% c("pre", "post")),
          all(dat$group %in% c("intervention", "control")))
for (it in ITEMS) {
  v <- dat[[it]]
  stopifnot(is.numeric(v), all(is.na(v) | v %in% 1:5))
}
stopifnot(!anyDuplicated(paste(dat$id, dat$wave)))

keyed <- dat
for (it in REVERSE) keyed[[it]] <- 6 - keyed[[it]]

score_scale <- function(df, items) {
  x <- as.matrix(df[, items])
  k <- length(items)
  answered <- rowSums(!is.na(x))
  s <- rowSums(x, na.rm = TRUE) / answered
  s[answered < ceiling(0.8 * k)] <- NA_real_
  s
}
scores <- data.frame(id = dat$id, wave = dat$wave, group = dat$group,
                     stringsAsFactors = FALSE)
for (nm in names(SCALES)) scores[[nm]] <- score_scale(keyed, SCALES[[nm]])

# ---------------------------------------------------------- scores table
fmt17 <- function(v) ifelse(is.na(v), "", sprintf("%.17g", v))
sc_out <- data.frame(id = scores$id, wave = scores$wave, stringsAsFactors = FALSE)
for (nm in names(SCALES)) sc_out[[nm]] <- fmt17(scores[[nm]])
write.csv(sc_out, file.path(here, "sample_scores.csv"), row.names = FALSE,
          quote = FALSE, na = "")
message("wrote ", file.path(here, "sample_scores.csv"))

# ---------------------------------------------------------- per group
omega1 <- function(x) {
  om <- suppressWarnings(suppressMessages(
    psych::omega(x, nfactors = 1, plot = FALSE)))
  om
}

group_result <- function(g) {
  pre_rows <- keyed[keyed$group == g & keyed$wave == "pre", ]
  post_rows <- keyed[keyed$group == g & keyed$wave == "post", ]
  s_pre <- scores[scores$group == g & scores$wave == "pre", ]
  s_post <- scores[scores$group == g & scores$wave == "post", ]
  paired_ids <- sort(intersect(s_pre$id, s_post$id))
  sp <- s_pre[match(paired_ids, s_pre$id), ]
  so <- s_post[match(paired_ids, s_post$id), ]

  subs <- list()
  for (nm in names(SCALES)) {
    items <- SCALES[[nm]]
    ok <- !is.na(sp[[nm]]) & !is.na(so[[nm]])
    ps <- paired_stats(sp[[nm]][ok], so[[nm]][ok], name = nm)
    ps$ids <- I(paired_ids[ok])

    x <- as.data.frame(pre_rows[, items])
    a <- suppressWarnings(psych::alpha(x, check.keys = FALSE, warnings = FALSE))
    om <- omega1(x)
    Rp <- cor(x, use = "pairwise")
    conv <- minres_converged(Rp, 1 - suppressWarnings(suppressMessages(psych::smc(Rp))))
    ps$alpha_pre <- a$total$raw_alpha
    ps$alpha_pre_n <- nrow(x)
    ps$omega_pre <- om$omega.tot
    ps$omega_pre_converged <- conv$omega_total
    ps$omega_pre_converged_method <- conv$method
    # psi at psych's lower bound 0.005 = Heywood case; psych's own answer then
    # depends on where L-BFGS-B stops (see NOTES.md)
    fa1 <- suppressWarnings(suppressMessages(psych::fa(Rp, nfactors = 1, fm = "minres")))
    ps$fa_pre_psi_optim <- I(as.numeric(1 - fa1$communalities))
    ps$fa_pre_loadings <- I(as.numeric(fa1$loadings[, 1]))
    ps$heywood_pre <- any(abs(1 - fa1$communalities - 0.005) < 1e-9)
    ps$omega_pre_key <- I(as.numeric(om$key))  # all 1 = no items flipped
    subs[[nm]] <- ps
  }
  p5 <- vapply(names(LEVELS), function(nm) subs[[nm]]$p, 0)
  padj <- p.adjust(p5, method = "holm")
  for (nm in names(LEVELS)) subs[[nm]]$p_adj <- padj[[nm]]
  subs$total$p_adj <- subs$total$p

  # reliable change on the total
  sd_pre <- sd(s_pre$total, na.rm = TRUE)
  n_sd <- sum(!is.na(s_pre$total))
  r_xx <- subs$total$alpha_pre
  s_diff <- sqrt(2) * sd_pre * sqrt(1 - r_xx)
  ok <- !is.na(sp$total) & !is.na(so$total)
  rci <- (so$total[ok] - sp$total[ok]) / s_diff
  cls <- ifelse(rci < -1.96, "improved", ifelse(rci > 1.96, "deteriorated", "unchanged"))

  list(
    n = list(pre = nrow(pre_rows), post = nrow(post_rows), paired = length(paired_ids)),
    subscales = unname(subs),
    reliable_change = list(
      higher_is = "worse",
      improved = sum(cls == "improved"),
      unchanged = sum(cls == "unchanged"),
      deteriorated = sum(cls == "deteriorated"),
      sd_pre = sd_pre,
      sd_pre_n = n_sd,
      r_xx = r_xx,
      s_diff = s_diff,
      ids = I(paired_ids[ok]),
      rci = I(rci),
      classification = I(cls)
    )
  )
}

groups <- list(intervention = group_result("intervention"),
               control = group_result("control"))

for (g in names(groups)) {
  cat("\n==", g, ": n =", unlist(groups[[g]]$n), "\n")
  for (s in groups[[g]]$subscales) {
    cat(sprintf("  %-13s n=%2d diff=%+.4f t=%+.3f p=%.5f p_adj=%.5f dz=%+.3f W=%s (%s) alpha=%.4f omega=%.6f (conv %.2e)\n",
                s$name, s$n, s$mean_diff, s$t, s$p, s$p_adj, s$dz, s$wilcoxon_V,
                s$wilcoxon_method, s$alpha_pre, s$omega_pre, s$omega_pre - s$omega_pre_converged))
    if (s$n_tie_groups != s$n_tie_groups_signif10)
      cat("    NOTE: floating-point ties differ from signif(d, 10) ties\n")
  }
  rc <- groups[[g]]$reliable_change
  cat("  RCI: improved", rc$improved, "unchanged", rc$unchanged,
      "deteriorated", rc$deteriorated, " sd_pre", rc$sd_pre, " r_xx", rc$r_xx, "\n")
}

meta <- make_meta("tests/reference/sample.R")
meta$data_file <- "data/sample/qcity_long.csv"
meta$data_md5 <- unname(tools::md5sum(csv_path))
meta$data_rows <- nrow(dat)
meta$scoring <- paste("keyed = 6 - x for IND4, FAM3, WORK5, ORG2, SOC4;",
                      "score = sum(answered)/n_answered if n_answered >= ceiling(0.8 k) else NA;",
                      "total over all 25 items (>= 20 answered)")
write_ref(list(meta = meta, groups = groups), file.path(here, "sample.json"))
