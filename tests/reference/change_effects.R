# Effect sizes of the between-group difference in change -> change_effects.json.
#   change = post - pre, complete pairs; treatment minus control.
#   d_ppc2 (Morris 2008, eq. 8): c_p * ((Mpost_T - Mpre_T) - (Mpost_C - Mpre_C)) / SD_pre_pooled,
#     SD_pre_pooled = sqrt(((nT - 1) s_preT^2 + (nC - 1) s_preC^2) / (nT + nC - 2)),
#     c_p = 1 - 3 / (4 (nT + nC - 2) - 1).
#   Var(d_ppc2) (Morris 2008, eq. 25) with delta = d_ppc2 and rho = the pooled within-group
#     pre-post correlation (pooled cross-products / sqrt(pooled SS_pre * pooled SS_post)):
#     2 c_p^2 (1 - rho) (nT + nC)/(nT nC) (nT + nC - 2)/(nT + nC - 4)
#       * (1 + delta^2 / (2 (1 - rho) (nT + nC)/(nT nC))) - delta^2;  CI = d -/+ qnorm(.975) SE.
#   Welch t test on the change scores: t.test(change_T, change_C, var.equal = FALSE).
#   Hedges' g of the change scores: effectsize::hedges_g(change_T, change_C) (pooled SD,
#     exact J, df = nT + nC - 2); its noncentral-t CI also by uniroot (effectsize uses
#     Nelder-Mead, see NOTES.md).
# Run after group_study.R:  Rscript tests/reference/change_effects.R
options(digits = 16)
get_dir <- function() {
  a <- commandArgs(trailingOnly = FALSE)
  f <- sub("^--file=", "", a[grep("^--file=", a)])
  if (length(f) == 0) getwd() else dirname(normalizePath(f[1]))
}
here <- get_dir()
source(file.path(here, "_common.R"))

ncp_limits <- function(t, df, conf = 0.95) {
  a <- 1 - conf
  f <- function(ncp, target) pt(t, df, ncp) - target
  lo <- uniroot(f, c(t - 10, t + 10), target = 1 - a / 2, extendInt = "yes", tol = 1e-14,
                maxiter = 10000)$root
  hi <- uniroot(f, c(t - 10, t + 10), target = a / 2, extendInt = "yes", tol = 1e-14,
                maxiter = 10000)$root
  c(lo, hi)
}

change_case <- function(name, d, pre, post, group, control) {
  d <- d[complete.cases(d[, c(pre, post, group)]), ]
  tr <- d[d[[group]] != control, ]; co <- d[d[[group]] == control, ]
  stopifnot(length(unique(tr[[group]])) == 1)
  nT <- nrow(tr); nC <- nrow(co); N <- nT + nC
  chT <- tr[[post]] - tr[[pre]]; chC <- co[[post]] - co[[pre]]
  sd_pre <- sqrt(((nT - 1) * var(tr[[pre]]) + (nC - 1) * var(co[[pre]])) / (N - 2))
  cp <- 1 - 3 / (4 * (N - 2) - 1)
  d_ppc2 <- cp * (mean(chT) - mean(chC)) / sd_pre
  dev <- function(x) x - mean(x)
  sxy <- sum(dev(tr[[pre]]) * dev(tr[[post]])) + sum(dev(co[[pre]]) * dev(co[[post]]))
  sxx <- sum(dev(tr[[pre]])^2) + sum(dev(co[[pre]])^2)
  syy <- sum(dev(tr[[post]])^2) + sum(dev(co[[post]])^2)
  rho <- sxy / sqrt(sxx * syy)
  k <- N / (nT * nC)
  v <- 2 * cp^2 * (1 - rho) * k * ((N - 2) / (N - 4)) *
    (1 + d_ppc2^2 / (2 * (1 - rho) * k)) - d_ppc2^2
  z <- qnorm(0.975)
  wt <- t.test(chT, chC, var.equal = FALSE)
  st <- t.test(chT, chC, var.equal = TRUE)
  hg <- effectsize::hedges_g(chT, chC, verbose = FALSE)
  cd <- effectsize::cohens_d(chT, chC, verbose = FALSE)
  J <- exp(lgamma((N - 2) / 2) - log(sqrt((N - 2) / 2)) - lgamma((N - 3) / 2))
  sp <- sqrt(((nT - 1) * var(chT) + (nC - 1) * var(chC)) / (N - 2))
  stopifnot(abs(cd$Cohens_d - (mean(chT) - mean(chC)) / sp) < 1e-12)
  stopifnot(abs(hg$Hedges_g - cd$Cohens_d * J) < 1e-12)
  ci_u <- ncp_limits(unname(st$statistic), N - 2) * sqrt(1 / nT + 1 / nC)
  list(name = name, control = control, treatment = unique(tr[[group]]),
       n_treatment = nT, n_control = nC,
       mean_change_treatment = mean(chT), mean_change_control = mean(chC),
       sd_change_treatment = sd(chT), sd_change_control = sd(chC),
       sd_pre_pooled = sd_pre, c_p = cp, r_prepost = rho,
       d_ppc2 = d_ppc2, d_ppc2_var = v, d_ppc2_ci = c(d_ppc2 - z * sqrt(v), d_ppc2 + z * sqrt(v)),
       welch_t = unname(wt$statistic), welch_df = unname(wt$parameter), welch_p = wt$p.value,
       mean_diff = mean(chT) - mean(chC), welch_ci = as.numeric(wt$conf.int),
       student_t = unname(st$statistic), sd_change_pooled = sp,
       d_change = cd$Cohens_d, g_change = hg$Hedges_g, J = J,
       g_change_ci = c(hg$CI_low, hg$CI_high), g_change_ci_uniroot = ci_u * J,
       d_change_ci_uniroot = ci_u)
}

gs <- read.csv(file.path(here, "group_study.csv"), na.strings = "")
an <- read.csv(file.path(here, "anorexia.csv"))
cases <- list(
  change_case("group_study", gs, "pre", "post", "group", "control"),
  change_case("group_study_follow", gs, "pre", "follow", "group", "control"),
  change_case("anorexia_cbt", an[an$Treat != "FT", ], "Prewt", "Postwt", "Treat", "Cont"),
  change_case("anorexia_ft", an[an$Treat != "CBT", ], "Prewt", "Postwt", "Treat", "Cont")
)
for (cs in cases) cat(sprintf("%-20s d_ppc2=%.6f [%.6f, %.6f] g=%.6f welch t=%.6f\n", cs$name,
                              cs$d_ppc2, cs$d_ppc2_ci[1], cs$d_ppc2_ci[2], cs$g_change, cs$welch_t))
write_ref(list(meta = make_meta("tests/reference/change_effects.R"), cases = cases),
          file.path(here, "change_effects.json"))
