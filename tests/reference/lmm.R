# Linear mixed model references -> lmm.json:
#   lmerTest::lmer(score ~ wave * group + (1 | id), REML = TRUE), every available wave.
# Fixed effects: estimate, SE, Satterthwaite df, t, p (summary of the lmerTest fit);
# ci_low/ci_high = estimate -/+ qt(0.975, df) * SE (Satterthwaite t interval) and the
# normal (z) Wald interval confint(method = "Wald"). Estimated means per wave x group:
# emmeans(fit, ~ wave * group, lmer.df = "satterthwaite"). Variances: VarCorr.
# Data: group_study.csv (3 waves, six people without follow-up, kept), weightloss.csv.
# Run after group_study.R:  Rscript tests/reference/lmm.R
options(digits = 16)
get_dir <- function() {
  a <- commandArgs(trailingOnly = FALSE)
  f <- sub("^--file=", "", a[grep("^--file=", a)])
  if (length(f) == 0) getwd() else dirname(normalizePath(f[1]))
}
here <- get_dir()
source(file.path(here, "_common.R"))
suppressPackageStartupMessages({ library(lme4); library(lmerTest); library(emmeans) })

lmm_case <- function(name, long, dv, wave, group, id) {
  d <- data.frame(y = long[[dv]], wave = factor(long[[wave]]), group = factor(long[[group]]),
                  id = factor(long[[id]]))
  d <- d[!is.na(d$y), ]
  ctrl <- lmerControl(optimizer = "bobyqa", optCtrl = list(rhobeg = 1e-3, rhoend = 1e-12,
                                                           maxfun = 1e5))
  fit <- lmerTest::lmer(y ~ wave * group + (1 | id), data = d, REML = TRUE, control = ctrl)
  fit_default <- lmerTest::lmer(y ~ wave * group + (1 | id), data = d, REML = TRUE)
  co <- summary(fit)$coefficients
  q <- qt(0.975, co[, "df"])
  wald <- confint(fit, method = "Wald")[rownames(co), ]
  vc <- as.data.frame(VarCorr(fit))
  em <- summary(emmeans(fit, ~ wave * group, lmer.df = "satterthwaite"))
  list(
    name = name, n_obs = nrow(d), n_subjects = nlevels(droplevels(d$id)),
    fixed = list(term = I(rownames(co)), estimate = I(co[, "Estimate"]),
                 se = I(co[, "Std. Error"]), df = I(co[, "df"]), t = I(co[, "t value"]),
                 p = I(co[, "Pr(>|t|)"]), ci_low = I(co[, "Estimate"] - q * co[, "Std. Error"]),
                 ci_high = I(co[, "Estimate"] + q * co[, "Std. Error"]),
                 wald_low = I(unname(wald[, 1])), wald_high = I(unname(wald[, 2]))),
    var_intercept = vc$vcov[vc$grp == "id"], var_residual = vc$vcov[vc$grp == "Residual"],
    reml_criterion = unname(REMLcrit(fit)), loglik = as.numeric(logLik(fit)),
    default_optimizer_max_rel_diff = max(abs(fixef(fit_default) - fixef(fit)) / abs(fixef(fit))),
    means = list(wave = I(as.character(em$wave)), group = I(as.character(em$group)),
                 emmean = I(em$emmean), se = I(em$SE), df = I(em$df),
                 lower = I(em$lower.CL), upper = I(em$upper.CL))
  )
}

gs <- read.csv(file.path(here, "group_study.csv"), na.strings = "")
long3 <- rbind(data.frame(id = gs$id, group = gs$group, wave = "1pre", score = gs$pre),
               data.frame(id = gs$id, group = gs$group, wave = "2post", score = gs$post),
               data.frame(id = gs$id, group = gs$group, wave = "3follow", score = gs$follow))
wl <- read.csv(file.path(here, "weightloss.csv"))
cases <- list(lmm_case("group_study", long3, "score", "wave", "group", "id"),
              lmm_case("weightloss", wl, "wl", "month", "group", "id"))
for (cs in cases) cat(sprintf("%-12s var_id=%.8f var_res=%.8f df=%s\n", cs$name, cs$var_intercept,
                              cs$var_residual, paste(signif(cs$fixed$df, 6), collapse = " ")))
meta <- make_meta("tests/reference/lmm.R")
meta$lme4_version <- as.character(packageVersion("lme4"))
meta$lmerTest_version <- as.character(packageVersion("lmerTest"))
meta$emmeans_version <- as.character(packageVersion("emmeans"))
write_ref(list(meta = meta, cases = cases), file.path(here, "lmm.json"))
