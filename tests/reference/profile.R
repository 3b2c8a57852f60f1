# Reference values for the baseline profile, subgroup differences and sample
# description of the study sample data/sample/qcity_long.csv -> profile.json
# Run:  Rscript tests/reference/profile.R
#
# Scoring as sample.R (keyed 6 - x for IND4, FAM3, WORK5, ORG2, SOC4; a level
# score is the mean of the answered items when >= 4 of 5 are answered; the
# total is the mean of all answered items when >= 20 of 25).  Wave "pre".
#
# profile (everyone, and each group on its own):
#   * per level: n, mean, sd, rank(-mean) (ties averaged);
#     t.test(x, mu = 3) (midpoint of the declared range 1-5): t, df, p,
#     conf.int (of the mean); effectsize::cohens_d(x, mu = 3): d, CI
#     (Nelder-Mead, stored as d_ci) and the exact noncentral-t roots by uniroot
#     (d_ci_uniroot; what stressgroup computes);
#   * Friedman: friedman.test(as.matrix(complete rows)); Kendall's W =
#     rstatix::friedman_effsize (checked equal to chisq / (n (k - 1)));
#   * pairwise: pairwise.wilcox.test(x, level, paired = TRUE,
#     p.adjust.method = "holm") p values (p_adj), and per pair
#     wilcox.test(x_j, x_i, paired = TRUE) for V and the unadjusted p (j after
#     i in the instrument's order).
# subgroups (everyone at pre), scales = five levels + total:
#   * gender (2 categories, alphabetical: female, male): t.test Welch and
#     Student (female - male), effectsize::hedges_g / cohens_d (pooled SD) with
#     Nelder-Mead CIs and uniroot CIs;
#   * post, age bands [30, 40, 50) and years_service bands [5, 10, 20)
#     (left-closed: "< 30", "30-39", "40-49", ">= 50"): aov F, eta squared and
#     omega squared by formula and by effectsize (partial = FALSE),
#     oneway.test(var.equal = FALSE), kruskal.test, epsilon squared =
#     H / ((n^2 - 1) / (n + 1)) (= effectsize::rank_epsilon_squared) and
#     rstatix::kruskal_effsize's eta2[H] = (H - k + 1) / (n - k);
#     rstatix::games_howell_test (detailed); pairwise.t.test(holm, pooled SD);
#   * age and years_service as numbers: cor.test pearson (Fisher-z CI) and
#     spearman (ties here -> t approximation);
#   * spearman_cases: small untied vectors for R's exact (n <= 9) and
#     Edgeworth (AS 89, n >= 10) p values.
# sample: first wave of each person (everyone has pre): counts and % of
#   gender and post, mean / sd / min / max of age and years_service, per group
#   and in total; `sample_missing`: the same with gender set to NA for ids
#   003 and 010 (NA counted as its own category).

options(digits = 16)
get_dir <- function() {
  a <- commandArgs(trailingOnly = FALSE)
  f <- sub("^--file=", "", a[grep("^--file=", a)])
  if (length(f) == 0) getwd() else dirname(normalizePath(f[1]))
}
here <- get_dir()
source(file.path(here, "_common.R"))
suppressPackageStartupMessages(library(rstatix))

csv_path <- normalizePath(file.path(here, "..", "..", "data", "sample", "qcity_long.csv"),
                          mustWork = TRUE)
dat <- read.csv(csv_path, colClasses = c(id = "character"), na.strings = "",
                stringsAsFactors = FALSE, check.names = FALSE)
LEVELS <- list(individual = paste0("IND", 1:5), family = paste0("FAM", 1:5),
               work = paste0("WORK", 1:5), organization = paste0("ORG", 1:5),
               society = paste0("SOC", 1:5))
ITEMS <- unlist(LEVELS, use.names = FALSE)
SCALES <- c(LEVELS, list(total = ITEMS))
keyed <- dat
for (it in c("IND4", "FAM3", "WORK5", "ORG2", "SOC4")) keyed[[it]] <- 6 - keyed[[it]]
score_scale <- function(df, items) {
  x <- as.matrix(df[, items]); k <- length(items)
  answered <- rowSums(!is.na(x))
  s <- rowSums(x, na.rm = TRUE) / answered
  s[answered < ceiling(0.8 * k)] <- NA_real_
  s
}
sc <- dat[, c("id", "wave", "group", "gender", "age", "years_service", "post")]
for (nm in names(SCALES)) sc[[nm]] <- score_scale(keyed, SCALES[[nm]])
pre <- sc[sc$wave == "pre", ]
stopifnot(!anyDuplicated(pre$id))

ncp_roots <- function(t, df) ncp_ci_uniroot(t, df)

# ------------------------------------------------------------ profile
profile_block <- function(s) {
  lv <- names(LEVELS)
  levels <- list()
  means <- sapply(lv, function(l) mean(s[[l]], na.rm = TRUE))
  rk <- rank(-means)
  for (i in seq_along(lv)) {
    x <- s[[lv[i]]]; x <- x[!is.na(x)]
    tt <- t.test(x, mu = 3)
    cd <- effectsize::cohens_d(x, mu = 3, verbose = FALSE)
    n <- length(x)
    levels[[i]] <- list(scale = lv[i], n = n, mean = mean(x), sd = sd(x),
                        rank = unname(rk[i]), t = unname(tt$statistic),
                        df = unname(tt$parameter), p = tt$p.value,
                        ci_low = tt$conf.int[1], ci_high = tt$conf.int[2],
                        d = cd$Cohens_d, d_ci = c(cd$CI_low, cd$CI_high),
                        d_ci_uniroot = ncp_roots(unname(tt$statistic), n - 1) / sqrt(n))
  }
  m <- as.matrix(s[, lv]); cc <- complete.cases(m); m <- m[cc, , drop = FALSE]
  ft <- friedman.test(m)
  long <- data.frame(id = rep(seq_len(nrow(m)), times = length(lv)),
                     level = factor(rep(lv, each = nrow(m)), levels = lv),
                     y = as.vector(m))
  fe <- rstatix::friedman_effsize(long, y ~ level | id)
  W <- unname(ft$statistic) / (nrow(m) * (length(lv) - 1))
  stopifnot(abs(fe$effsize - W) < 1e-12)
  pw <- suppressWarnings(pairwise.wilcox.test(long$y, long$level, paired = TRUE,
                                              p.adjust.method = "holm"))
  pairs <- list()
  for (i in 1:(length(lv) - 1)) for (j in (i + 1):length(lv)) {
    wt <- suppressWarnings(wilcox.test(m[, j], m[, i], paired = TRUE))
    pairs[[length(pairs) + 1]] <- list(
      scale1 = lv[i], scale2 = lv[j], n = nrow(m), V = unname(wt$statistic), p = wt$p.value,
      p_adj = pw$p.value[lv[j], lv[i]],
      method = if (grepl("exact", wt$method, fixed = TRUE)) "exact" else "normal")
  }
  list(levels = levels,
       friedman = list(n = nrow(m), n_dropped = sum(!cc), k = length(lv),
                       chisq = unname(ft$statistic), df = unname(ft$parameter),
                       p = ft$p.value, kendall_w = fe$effsize),
       pairwise = pairs)
}
prof <- list(all = profile_block(pre))
for (g in c("control", "intervention")) prof[[g]] <- profile_block(pre[pre$group == g, ])

# ------------------------------------------------------------ subgroups
band <- function(x, cuts) {
  labs <- c(paste0("< ", cuts[1]),
            paste0(cuts[-length(cuts)], "-", cuts[-1] - 1),
            paste0(">= ", cuts[length(cuts)]))
  factor(labs[findInterval(x, cuts) + 1], levels = labs)
}
pre$age_band <- band(pre$age, c(30, 40, 50))
pre$years_band <- band(pre$years_service, c(5, 10, 20))

two_groups <- function(y, g) {
  g <- factor(g, levels = sort(unique(as.character(g))))
  ok <- !is.na(y); y <- y[ok]; g <- droplevels(g[ok])
  x1 <- y[g == levels(g)[1]]; x2 <- y[g == levels(g)[2]]
  w <- t.test(x1, x2); s <- t.test(x1, x2, var.equal = TRUE)
  hg <- effectsize::hedges_g(x1, x2, verbose = FALSE)
  cd <- effectsize::cohens_d(x1, x2, verbose = FALSE)
  n1 <- length(x1); n2 <- length(x2); df <- n1 + n2 - 2
  J <- hedges_J(df)
  ci_u <- ncp_roots(unname(s$statistic), df) * sqrt(1 / n1 + 1 / n2)
  list(categories = levels(g), n = c(n1, n2), mean = c(mean(x1), mean(x2)),
       sd = c(sd(x1), sd(x2)), mean_diff = mean(x1) - mean(x2),
       welch_t = unname(w$statistic), welch_df = unname(w$parameter), welch_p = w$p.value,
       student_t = unname(s$statistic), student_df = unname(s$parameter),
       student_p = s$p.value, cohens_d = cd$Cohens_d, hedges_g = hg$Hedges_g,
       hedges_g_ci = c(hg$CI_low, hg$CI_high), hedges_g_ci_uniroot = ci_u * J,
       cohens_d_ci_uniroot = ci_u)
}

many_groups <- function(y, g) {
  if (!is.factor(g)) g <- factor(g, levels = sort(unique(as.character(g))))
  ok <- !is.na(y); y <- y[ok]; g <- droplevels(g[ok])
  d <- data.frame(y = y, g = g)
  fit <- aov(y ~ g, data = d)
  tab <- summary(fit)[[1]]
  ssb <- tab[1, "Sum Sq"]; ssw <- tab[2, "Sum Sq"]; dfb <- tab[1, "Df"]; dfw <- tab[2, "Df"]
  msw <- ssw / dfw
  eta2 <- ssb / (ssb + ssw); omega2 <- (ssb - dfb * msw) / (ssb + ssw + msw)
  es_eta <- effectsize::eta_squared(fit, partial = FALSE, verbose = FALSE)$Eta2
  es_omega <- effectsize::omega_squared(fit, partial = FALSE, verbose = FALSE)$Omega2
  wt <- oneway.test(y ~ g, data = d, var.equal = FALSE)
  kw <- kruskal.test(y ~ g, data = d)
  n <- length(y); k <- nlevels(g); H <- unname(kw$statistic)
  eps <- H / ((n^2 - 1) / (n + 1))
  eps_es <- effectsize::rank_epsilon_squared(y ~ g, data = d, verbose = FALSE)$rank_epsilon_squared
  stopifnot(abs(eps - eps_es) < 1e-12)
  keff <- rstatix::kruskal_effsize(d, y ~ g)$effsize
  stopifnot(abs(keff - (H - k + 1) / (n - k)) < 1e-12)
  gh <- rstatix::games_howell_test(d, y ~ g, detailed = TRUE)
  pt <- pairwise.t.test(d$y, d$g, p.adjust.method = "holm")
  post <- list()
  for (r in seq_len(nrow(gh))) {
    post[[r]] <- list(group1 = gh$group1[r], group2 = gh$group2[r],
                      estimate = gh$estimate[r], se = gh$se[r],
                      t = gh$statistic[r], df = gh$df[r],
                      p_tukey = stats::ptukey(gh$statistic[r] * sqrt(2), k, gh$df[r],
                                              lower.tail = FALSE),
                      ci = c(gh$conf.low[r], gh$conf.high[r]),
                      holm_t_p = pt$p.value[gh$group2[r], gh$group1[r]])
  }
  list(categories = levels(g), n = as.vector(table(g)),
       mean = as.vector(tapply(y, g, mean)), sd = as.vector(tapply(y, g, sd)),
       anova_F = tab[1, "F value"], anova_df1 = dfb, anova_df2 = dfw,
       anova_p = tab[1, "Pr(>F)"], eta2 = eta2, omega2 = omega2,
       eta2_effectsize = es_eta, omega2_effectsize = es_omega,
       welch_F = unname(wt$statistic), welch_df1 = unname(wt$parameter[1]),
       welch_df2 = unname(wt$parameter[2]), welch_p = wt$p.value,
       kw_H = H, kw_df = unname(kw$parameter), kw_p = kw$p.value,
       epsilon2 = eps, eta2_H = keff, posthoc = post)
}

correlations <- function(y, x) {
  ok <- !is.na(y) & !is.na(x)
  p <- cor.test(x[ok], y[ok])
  s <- suppressWarnings(cor.test(x[ok], y[ok], method = "spearman"))
  ties <- anyDuplicated(x[ok]) > 0 || anyDuplicated(y[ok]) > 0
  list(n = sum(ok), pearson_r = unname(p$estimate), pearson_t = unname(p$statistic),
       pearson_df = unname(p$parameter), pearson_p = p$p.value,
       pearson_ci = p$conf.int[1:2], spearman_rho = unname(s$estimate),
       spearman_S = unname(s$statistic), spearman_p = s$p.value,
       spearman_method = if (ties) "t" else if (sum(ok) <= 9) "exact" else "edgeworth")
}

sub <- list()
for (v in c("gender", "post", "age_band", "years_band")) {
  sub[[v]] <- list()
  for (nm in names(SCALES)) {
    g <- pre[[v]]
    sub[[v]][[nm]] <- if (length(unique(g)) == 2) two_groups(pre[[nm]], g) else
      many_groups(pre[[nm]], g)
  }
}
cors <- list()
for (v in c("age", "years_service")) {
  cors[[v]] <- list()
  for (nm in names(SCALES)) cors[[v]][[nm]] <- correlations(pre[[nm]], pre[[v]])
}

set.seed(7)
spearman_cases <- list()
for (n in c(5, 7, 9, 12, 30)) {
  x <- sample(n) + 0.0; y <- x + rnorm(n, sd = n / 3)
  s <- cor.test(x, y, method = "spearman")
  stopifnot(!anyDuplicated(y))
  spearman_cases[[length(spearman_cases) + 1]] <- list(
    x = x, y = y, rho = unname(s$estimate), S = unname(s$statistic), p = s$p.value,
    method = if (n <= 9) "exact" else "edgeworth")
}
# a perfect and a negative one
for (yy in list(c(1, 2, 3, 4, 5, 6), c(6, 4, 5, 3, 1, 2, 0.5, -1, 7, -3, -4))) {
  x <- seq_along(yy) + 0.0
  s <- cor.test(x, yy, method = "spearman")
  spearman_cases[[length(spearman_cases) + 1]] <- list(
    x = x, y = yy, rho = unname(s$estimate), S = unname(s$statistic), p = s$p.value,
    method = if (length(x) <= 9) "exact" else "edgeworth")
}

# ------------------------------------------------------------ sample description
describe <- function(d) {
  out <- list(n = nrow(d))
  for (v in c("gender", "post")) {
    x <- d[[v]]
    cats <- sort(unique(x[!is.na(x)]))
    rows <- lapply(cats, function(cc) list(category = cc, n = sum(x == cc, na.rm = TRUE),
                                           percent = 100 * sum(x == cc, na.rm = TRUE) / nrow(d)))
    if (any(is.na(x)))
      rows[[length(rows) + 1]] <- list(category = NA, n = sum(is.na(x)),
                                       percent = 100 * sum(is.na(x)) / nrow(d))
    out[[v]] <- rows
  }
  for (v in c("age", "years_service")) {
    x <- d[[v]]
    out[[v]] <- list(n = sum(!is.na(x)), mean = mean(x, na.rm = TRUE), sd = sd(x, na.rm = TRUE),
                     min = min(x, na.rm = TRUE), max = max(x, na.rm = TRUE),
                     missing = sum(is.na(x)))
  }
  out
}
first <- sc[!duplicated(sc$id), ]   # rows are sorted pre first: the first wave per person
stopifnot(all(first$wave == "pre"))
samp <- list(total = describe(first))
for (g in c("control", "intervention")) samp[[g]] <- describe(first[first$group == g, ])
miss <- first; miss$gender[miss$id %in% c("003", "010")] <- NA
samp_missing <- list(total = describe(miss))
for (g in c("control", "intervention")) samp_missing[[g]] <- describe(miss[miss$group == g, ])

meta <- make_meta("profile.R")
meta$rstatix_version <- as.character(packageVersion("rstatix"))
write_ref(list(meta = meta, profile = prof, subgroups = sub, correlations = cors,
               spearman_cases = spearman_cases, sample = samp,
               sample_missing = samp_missing),
          file.path(here, "profile.json"))
