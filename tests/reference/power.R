# Reference values for the power of the paired t test -> power.json
# Run:  Rscript tests/reference/power.R
#
# power(n, d) = pwr::pwr.t.test(n, d, sig.level, type = "paired")$power
#   (both tails: P(T' > q) + P(T' < -q), q = qt(1 - alpha/2, n - 1),
#    ncp = sqrt(n) d) -- identical to power.t.test(type = "paired",
#   strict = TRUE, sd = 1, delta = d); power.t.test's default strict = FALSE
#   counts only the upper tail ("upper").
# pwr.t.test and power.t.test solve for n or d with uniroot at its default
# tolerance (.Machine$double.eps^0.25, ~1e-4), so their n and d are only good
# to ~4 digits.  The exact solutions stored as "n" / "dz" are uniroot roots of
# the same power functions with tol = 1e-13; the packages' own answers are kept
# as "*_pwr" / "*_power_t_test" for information.

options(digits = 16)
get_dir <- function() {
  a <- commandArgs(trailingOnly = FALSE)
  f <- sub("^--file=", "", a[grep("^--file=", a)])
  if (length(f) == 0) getwd() else dirname(normalizePath(f[1]))
}
here <- get_dir()
source(file.path(here, "_common.R"))
suppressPackageStartupMessages(library(pwr))

pow_both <- function(n, d, a) pwr.t.test(n = n, d = d, sig.level = a, type = "paired")$power
pow_upper <- function(n, d, a) power.t.test(n = n, delta = d, sd = 1, sig.level = a,
                                            type = "paired", strict = FALSE)$power
TOL <- 1e-13

power_cases <- list()
for (n in c(6, 9, 12, 15, 25.5, 40, 100)) for (d in c(0.05, 0.3, 0.5, 0.8, 1.2)) for (a in c(0.05, 0.01)) {
  power_cases[[length(power_cases) + 1]] <- list(
    n = n, dz = d, alpha = a, power = pow_both(n, d, a),
    power_strict = power.t.test(n = n, delta = d, sd = 1, sig.level = a, type = "paired",
                                strict = TRUE)$power,
    power_upper = pow_upper(n, d, a))
}

n_cases <- list()
for (d in c(0.3, 0.5, 0.8, 1.0, 1.5)) for (pw in c(0.8, 0.9)) for (a in c(0.05, 0.01)) {
  n_exact <- uniroot(function(n) pow_both(n, d, a) - pw, c(2, 1e5), tol = TOL)$root
  n_upper <- uniroot(function(n) pow_upper(n, d, a) - pw, c(2, 1e5), tol = TOL)$root
  n_cases[[length(n_cases) + 1]] <- list(
    dz = d, power = pw, alpha = a, n = n_exact, n_whole = ceiling(n_exact),
    power_whole = pow_both(ceiling(n_exact), d, a),
    n_upper = n_upper,
    n_pwr = pwr.t.test(d = d, power = pw, sig.level = a, type = "paired")$n,
    n_power_t_test = power.t.test(delta = d, sd = 1, power = pw, sig.level = a,
                                  type = "paired", strict = TRUE)$n)
}

d_cases <- list()
for (n in c(6, 8, 9, 10, 12, 15, 20, 30)) for (pw in c(0.8, 0.9)) for (a in c(0.05, 0.01)) {
  d_exact <- uniroot(function(d) pow_both(n, d, a) - pw, c(1e-6, 20), tol = TOL)$root
  d_upper <- uniroot(function(d) pow_upper(n, d, a) - pw, c(1e-6, 20), tol = TOL)$root
  d_cases[[length(d_cases) + 1]] <- list(
    n = n, power = pw, alpha = a, dz = d_exact, dz_upper = d_upper,
    dz_pwr = pwr.t.test(n = n, power = pw, sig.level = a, type = "paired")$d)
}

meta <- make_meta("tests/reference/power.R")
meta$pwr_version <- as.character(packageVersion("pwr"))
meta$uniroot_tol <- TOL
write_ref(list(meta = meta, power = power_cases, n = n_cases, dz = d_cases),
          file.path(here, "power.json"))
