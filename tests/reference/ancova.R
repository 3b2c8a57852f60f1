# ANCOVA references -> ancova.json: lm(dv ~ covariate + between), car::Anova type 2,
# emmeans adjusted means and pairwise differences, slope homogeneity.
# Data: anorexia.csv (MASS::anorexia, 3 groups), group_study.csv (2 groups).
# Run after group_study.R:  Rscript tests/reference/ancova.R
options(digits = 16)
get_dir <- function() {
  a <- commandArgs(trailingOnly = FALSE)
  f <- sub("^--file=", "", a[grep("^--file=", a)])
  if (length(f) == 0) getwd() else dirname(normalizePath(f[1]))
}
here <- get_dir()
source(file.path(here, "_common.R"))
suppressPackageStartupMessages({ library(car); library(emmeans) })

ancova_case <- function(name, d, dv, cov, between) {
  d <- d[complete.cases(d[, c(dv, cov, between)]), ]
  d$g <- factor(d[[between]])
  d$y <- d[[dv]]; d$x <- d[[cov]]
  fit <- lm(y ~ x + g, data = d)
  a2 <- car::Anova(fit, type = 2)
  fit3 <- lm(y ~ x + g, data = d, contrasts = list(g = "contr.sum"))
  a3 <- car::Anova(fit3, type = 3)
  stopifnot(abs(a3["g", "F value"] - a2["g", "F value"]) < 1e-10)
  ss_res <- a2["Residuals", "Sum Sq"]
  row <- function(term) list(
    SS = a2[term, "Sum Sq"], df1 = a2[term, "Df"], df2 = a2["Residuals", "Df"],
    F = a2[term, "F value"], p = a2[term, "Pr(>F)"],
    partial_eta2 = a2[term, "Sum Sq"] / (a2[term, "Sum Sq"] + ss_res))
  em <- emmeans(fit, "g")
  es <- summary(em, infer = c(TRUE, FALSE))
  pr_t <- summary(pairs(em), infer = c(TRUE, TRUE))                # Tukey (default)
  pr_n <- summary(pairs(em, adjust = "none"), infer = c(TRUE, TRUE))
  pr_h <- summary(pairs(em, adjust = "holm"), infer = c(FALSE, TRUE))
  pr_b <- summary(pairs(em, adjust = "bonferroni"), infer = c(TRUE, TRUE))
  fit_int <- lm(y ~ x * g, data = d)
  hom <- anova(fit, fit_int)
  list(
    name = name, dv = dv, covariate = cov, between = between, n = nrow(d),
    levels = I(levels(d$g)),
    covariate_mean = mean(d$x),
    group = row("g"), covariate_row = row("x"),
    residual = list(SS = ss_res, df = a2["Residuals", "Df"]),
    coefficients = unname(coef(fit)),
    adjusted_means = list(level = as.character(es$g), emmean = es$emmean, SE = es$SE,
                          df = es$df, lower = es$lower.CL, upper = es$upper.CL),
    pairs = list(contrast = I(as.character(pr_t$contrast)), estimate = I(pr_t$estimate),
                 SE = I(pr_t$SE), df = I(pr_t$df), t = I(pr_t$t.ratio),
                 tukey = list(p = I(pr_t$p.value), lower = I(pr_t$lower.CL),
                              upper = I(pr_t$upper.CL)),
                 none = list(p = I(pr_n$p.value), lower = I(pr_n$lower.CL),
                             upper = I(pr_n$upper.CL)),
                 holm = list(p = I(pr_h$p.value)),
                 bonferroni = list(p = I(pr_b$p.value), lower = I(pr_b$lower.CL),
                                   upper = I(pr_b$upper.CL))),
    slopes_homogeneity = list(F = hom$F[2], df1 = hom$Df[2], df2 = hom$Res.Df[2],
                              p = hom[["Pr(>F)"]][2])
  )
}

an <- read.csv(file.path(here, "anorexia.csv"))
gs <- read.csv(file.path(here, "group_study.csv"))
cases <- list(
  ancova_case("anorexia", an, "Postwt", "Prewt", "Treat"),
  ancova_case("group_study", gs, "post", "pre", "group"),
  ancova_case("group_study_rank", gs, "follow", "pre", "rank")   # 3 groups, NAs dropped
)
for (cs in cases) cat(sprintf("%-18s F=%.6f p=%.6g hom F=%.6f\n", cs$name, cs$group$F, cs$group$p,
                              cs$slopes_homogeneity$F))
meta <- make_meta("tests/reference/ancova.R")
meta$car_version <- as.character(packageVersion("car"))
meta$emmeans_version <- as.character(packageVersion("emmeans"))
write_ref(list(meta = meta, cases = cases), file.path(here, "ancova.json"))
