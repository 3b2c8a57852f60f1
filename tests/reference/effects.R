# Reference values for the paired effect sizes -> effects.json
# Run:  Rscript tests/reference/effects.R
#
# effectsize 0.8.3 (installed) has cohens_d / hedges_g(paired = TRUE) for d_z
# and g_z, but no d_av, g_av or d_rm (repeated_measures_d() arrived in 0.8.6,
# and it standardises d_av by sqrt((var1 + var2) / 2), applies Hedges' J by
# default and uses normal-approximation CIs).  d_av, g_av and d_rm and their
# CIs are therefore computed here by hand from the published formulas:
#   d  = post - pre (complete pairs), n pairs, df = n - 1, t = mean(d)/(sd(d)/sqrt(n))
#   [L, U] = noncentral-t limits of t: pt(t, df, L) = .975, pt(t, df, U) = .025
#            (uniroot, tol 1e-14; _common.R::ncp_ci_uniroot)
#   d_z  = mean(d) / sd(d),                 CI [L, U] / sqrt(n)
#   g_z  = d_z * J,                         CI * J  (J = hedges_J(df), exact gamma form)
#   d_av = mean(d) / ((sd_pre + sd_post)/2) (Cumming 2012; Lakens 2013)
#          CI [L, U] * sd(d) / (sqrt(n) * sd_av)  (Algina & Keselman 2003: the
#          noncentral-t limits rescaled, the standardiser ratio treated as known)
#   g_av = d_av * J,                        CI * J
#   d_rm = t * sqrt(2 (1 - r) / n)          (Lakens 2013, eq. 9; r = cor(pre, post))
#        = mean(d) / sqrt(sd1^2 + sd2^2 - 2 r sd1 sd2) * sqrt(2 (1 - r))  (checked)
#          CI [L, U] / sqrt(n) * sqrt(2 (1 - r))

options(digits = 16)
get_dir <- function() {
  a <- commandArgs(trailingOnly = FALSE)
  f <- sub("^--file=", "", a[grep("^--file=", a)])
  if (length(f) == 0) getwd() else dirname(normalizePath(f[1]))
}
here <- get_dir()
source(file.path(here, "_common.R"))

case <- function(name, pre, post) {
  ok <- complete.cases(pre, post)
  x0 <- pre[ok]; x1 <- post[ok]; d <- x1 - x0
  n <- length(d); df <- n - 1
  tt <- t.test(post, pre, paired = TRUE)
  t <- unname(tt$statistic)
  ncp <- ncp_ci_uniroot(t, df)
  J <- hedges_J(df)
  r <- cor(x0, x1)
  sd_av <- (sd(x0) + sd(x1)) / 2
  dz <- mean(d) / sd(d)
  cd <- effectsize::cohens_d(post, pre, paired = TRUE, verbose = FALSE)
  stopifnot(abs(cd$Cohens_d - dz) < 1e-12)
  dz_ci <- ncp / sqrt(n)
  d_av <- mean(d) / sd_av
  d_av_ci <- ncp * sd(d) / (sqrt(n) * sd_av)
  d_rm <- t * sqrt(2 * (1 - r) / n)
  d_rm_eq8 <- mean(d) / sqrt(sd(x0)^2 + sd(x1)^2 - 2 * r * sd(x0) * sd(x1)) * sqrt(2 * (1 - r))
  stopifnot(abs(d_rm - d_rm_eq8) < 1e-12 * max(1, abs(d_rm)))
  d_rm_ci <- dz_ci * sqrt(2 * (1 - r))
  list(name = name, pre = as.list(pre), post = as.list(post), n = n, n_dropped = sum(!ok),
       mean_diff = mean(d), sd_diff = sd(d), sd_pre = sd(x0), sd_post = sd(x1), r = r,
       t = t, df = df, J = J,
       dz = dz, dz_ci = dz_ci, dz_ci_effectsize = c(cd$CI_low, cd$CI_high),
       g_z = dz * J, g_z_ci = dz_ci * J,
       d_av = d_av, d_av_ci = d_av_ci,
       g_av = d_av * J, g_av_ci = d_av_ci * J,
       d_rm = d_rm, d_rm_ci = d_rm_ci)
}

cases <- list()
add <- function(...) cases[[length(cases) + 1]] <<- case(...)
s1 <- sleep[sleep$group == "1", ]; s1 <- s1[order(s1$ID), ]
s2 <- sleep[sleep$group == "2", ]; s2 <- s2[order(s2$ID), ]
add("sleep", s1$extra, s2$extra)
an <- MASS::anorexia
for (tr in c("CBT", "Cont", "FT")) {
  sub <- an[an$Treat == tr, ]
  add(paste0("anorexia_", tr), sub$Prewt, sub$Postwt)
}
add("doc_example", c(31, 28, 35, 40, 30, 26, 33, 38), c(25, 29, 30, 31, 22, 24, 30, 28))
add("with_missing", c(3.2, NA, 2.8, 4.0, 3.0, 3.4, 2.6, 3.8), c(2.8, 3.1, NA, 3.2, 2.9, 3.0, 2.8, 3.5))
set.seed(20261202)
x <- round(rnorm(12, 3, 0.6), 1); y <- round(0.5 * x + rnorm(12, 1.2, 0.4), 1)
add("unequal_sd_n12", x, y)
x <- rnorm(40, 50, 10); y <- x + rnorm(40, 4, 6)
add("large_effect_n40", x, y)

write_ref(list(meta = make_meta("tests/reference/effects.R"), cases = cases),
          file.path(here, "effects.json"))
