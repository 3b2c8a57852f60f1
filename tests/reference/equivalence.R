# Baseline equivalence references -> equivalence.json.
# Numeric variable, 2 groups: t.test(var.equal = FALSE) (Welch) and var.equal = TRUE
#   (Student); Hedges' g = effectsize::hedges_g(x[level 2], x[level 1]) (pooled SD, exact J),
#   CI by uniroot on the noncentral t (effectsize's own Nelder-Mead limits also stored).
# Numeric, 3+ groups: oneway.test(var.equal = FALSE) (Welch) and var.equal = TRUE (F);
#   eta squared = SS_between / SS_total of the one-way ANOVA (effectsize::eta_squared).
# Categorical: table(group, variable); expected = chisq.test(...)$expected;
#   chisq.test(correct = FALSE) (Pearson, no Yates) and fisher.test (2x2 and r x c);
#   Cramer's V = sqrt(X2 / (n (min(r, c) - 1))) = effectsize::cramers_v(adjust = FALSE).
# Run after group_study.R:  Rscript tests/reference/equivalence.R
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
  c(uniroot(f, c(t - 10, t + 10), target = 1 - a / 2, extendInt = "yes", tol = 1e-14)$root,
    uniroot(f, c(t - 10, t + 10), target = a / 2, extendInt = "yes", tol = 1e-14)$root)
}

numeric_case <- function(d, var, group) {
  d <- d[complete.cases(d[, c(var, group)]), ]
  g <- factor(d[[group]]); x <- d[[var]]; lv <- levels(g)
  out <- list(variable = var, kind = "numeric", n = nrow(d), levels = I(lv),
              means = I(as.numeric(tapply(x, g, mean))), sds = I(as.numeric(tapply(x, g, sd))),
              ns = I(as.numeric(table(g))))
  if (length(lv) == 2) {
    x2 <- x[g == lv[2]]; x1 <- x[g == lv[1]]
    w <- t.test(x2, x1, var.equal = FALSE); s <- t.test(x2, x1, var.equal = TRUE)
    hg <- effectsize::hedges_g(x2, x1, verbose = FALSE)
    n1 <- length(x1); n2 <- length(x2); df <- n1 + n2 - 2
    J <- exp(lgamma(df / 2) - log(sqrt(df / 2)) - lgamma((df - 1) / 2))
    ci <- ncp_limits(unname(s$statistic), df) * sqrt(1 / n1 + 1 / n2) * J
    c(out, list(welch_t = unname(w$statistic), welch_df = unname(w$parameter), welch_p = w$p.value,
                student_t = unname(s$statistic), student_df = unname(s$parameter),
                student_p = s$p.value, hedges_g = hg$Hedges_g, hedges_g_ci = ci,
                hedges_g_ci_effectsize = c(hg$CI_low, hg$CI_high)))
  } else {
    w <- oneway.test(x ~ g, var.equal = FALSE); f <- oneway.test(x ~ g, var.equal = TRUE)
    a <- anova(lm(x ~ g))
    eta2 <- a[1, "Sum Sq"] / sum(a[, "Sum Sq"])
    es <- effectsize::eta_squared(aov(x ~ g), verbose = FALSE)
    stopifnot(abs(es$Eta2 - eta2) < 1e-12)
    c(out, list(welch_F = unname(w$statistic), welch_df1 = unname(w$parameter[1]),
                welch_df2 = unname(w$parameter[2]), welch_p = w$p.value,
                anova_F = unname(f$statistic), anova_df1 = unname(f$parameter[1]),
                anova_df2 = unname(f$parameter[2]), anova_p = f$p.value, eta2 = eta2))
  }
}

categorical_case <- function(d, var, group) {
  d <- d[complete.cases(d[, c(var, group)]), ]
  tab <- table(d[[group]], d[[var]])
  cs <- suppressWarnings(chisq.test(tab, correct = FALSE))
  fe <- fisher.test(tab)
  n <- sum(tab)
  v <- sqrt(unname(cs$statistic) / (n * (min(dim(tab)) - 1)))
  ev <- effectsize::cramers_v(tab, adjust = FALSE)
  stopifnot(abs(ev$Cramers_v - v) < 1e-12)
  list(variable = var, kind = "categorical", n = n, levels = I(rownames(tab)),
       categories = I(colnames(tab)), counts = I(as.numeric(t(tab))),   # row-major
       expected = I(as.numeric(t(cs$expected))), min_expected = min(cs$expected),
       chisq = unname(cs$statistic), chisq_df = unname(cs$parameter), chisq_p = cs$p.value,
       fisher_p = fe$p.value, cramers_v = v)
}

gs <- read.csv(file.path(here, "group_study.csv"), na.strings = "")
an <- read.csv(file.path(here, "anorexia.csv"))
cases <- list(
  list(name = "group_study", between = "group", variables = list(
    numeric_case(gs, "pre", "group"), numeric_case(gs, "age", "group"),
    categorical_case(gs, "gender", "group"), categorical_case(gs, "smoker", "group"),
    categorical_case(gs, "rank", "group"), numeric_case(gs, "follow", "group"))),
  list(name = "group_study_by_rank", between = "rank", variables = list(
    numeric_case(gs, "pre", "rank"), numeric_case(gs, "age", "rank"),
    categorical_case(gs, "gender", "rank"), categorical_case(gs, "group", "rank"))),
  list(name = "anorexia", between = "Treat", variables = list(
    numeric_case(an, "Prewt", "Treat")))
)
meta <- make_meta("tests/reference/equivalence.R")
write_ref(list(meta = meta, cases = cases), file.path(here, "equivalence.json"))
