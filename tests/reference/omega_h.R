# Reference values for omega_hierarchical(): psych::omega(keyed items, nfactors)
#   -> omega_h.json
# Run:  Rscript tests/reference/omega_h.R
# psych::omega on raw data: R = cor(x, use = "pairwise"); schmid(R, nfactors,
# fm = "minres", rotate = "oblimin"): fa(R, nfactors, rotate = "varimax") (minres by
# L-BFGS-B, stats::varimax), GPArotation::oblimin (GPFoblq, defaults), a one-factor
# minres fa of the factor correlations (nfactors > 2) or sqrt(|phi_12|) for two,
# Schmid-Leiman; then omegah's sign flip of items with a negative g loading.
# Stored per case: the fa's optimiser result (psi = res$par, its start, counts), the
# varimax loadings (schmid$orthog), oblimin loadings and Phi (schmid$oblique, $phi),
# g loadings of the factors (schmid$gloading), the Schmid-Leiman table (g, F1*..Fk*,
# h2, u2, p2), omega_h, omega.tot, omega.lim, alpha, G6, ECV, omega.group, the key,
# and oblimin's own iteration table size (GPFoblq's Table) for the rotation check.
options(digits = 16)
get_dir <- function() {
  a <- commandArgs(trailingOnly = FALSE)
  f <- sub("^--file=", "", a[grep("^--file=", a)])
  if (length(f) == 0) getwd() else dirname(normalizePath(f[1]))
}
here <- get_dir()
source(file.path(here, "_common.R"))
suppressPackageStartupMessages(library(GPArotation))

mat_list <- function(M) lapply(seq_len(ncol(M)), function(j) as.numeric(M[, j]))

om_case <- function(name, x, nf, reversed = character(0), extra = list()) {
  # extra: case notes stored as they are
  x <- as.data.frame(lapply(x, as.numeric))
  R <- cor(x, use = "pairwise")
  om <- suppressWarnings(suppressMessages(psych::omega(x, nfactors = nf, plot = FALSE)))
  f <- suppressWarnings(suppressMessages(psych::fa(R, nf, rotate = "varimax", fm = "minres")))
  unrot <- suppressWarnings(suppressMessages(psych::fa(R, nf, rotate = "none", fm = "minres")))
  sl <- om$schmid$sl
  orth <- unclass(om$schmid$orthog)
  stopifnot(max(abs(orth - unclass(f$loadings))) < 1e-12)
  ob <- GPArotation::oblimin(orth)
  stopifnot(max(abs(ob$loadings - om$schmid$oblique)) < 1e-12)
  grp <- om$omega.group
  list(name = name, items = colnames(x), reversed = reversed, n = nrow(x), k = ncol(x),
       n_factors = nf,
       R_sum = sum(R),
       psi = as.numeric(1 - f$communalities),       # optim's final par
       start_psi = as.numeric(1 - psych::smc(R)),
       unrotated = mat_list(unclass(unrot$loadings)),
       varimax = mat_list(orth),
       oblimin = mat_list(unclass(om$schmid$oblique)),
       phi = mat_list(om$schmid$phi),
       oblimin_iterations = nrow(ob$Table) - 1,
       oblimin_converged = ob$convergence,
       gloading = as.numeric(om$schmid$gloading),
       sl_g = as.numeric(sl[, 1]),
       sl_group = mat_list(sl[, 2:(nf + 1), drop = FALSE]),
       sl_h2 = as.numeric(sl[, "h2"]), sl_u2 = as.numeric(sl[, "u2"]),
       sl_p2 = as.numeric(sl[, "p2"]),
       key = as.numeric(om$key),
       omega_h = om$omega_h, omega_total = om$omega.tot, omega_lim = om$omega.lim,
       alpha = om$alpha, g6 = om$G6, ecv = as.numeric(om$ECV),
       omega_group = list(rows = rownames(grp), total = grp$total, general = grp$general,
                          group = grp$group),
       max_communality = max(f$communality),
       heywood = any(f$communality >= 0.995 - 1e-12) || any(1 - f$communalities <= 0.005 + 1e-9),
       extra = extra)
}

cases <- list()
scales <- list(
  A = list(items = paste0("A", 1:5), rev = "A1"),
  C = list(items = paste0("C", 1:5), rev = c("C4", "C5")),
  E = list(items = paste0("E", 1:5), rev = c("E1", "E2")),
  N = list(items = paste0("N", 1:5), rev = character(0)),
  O = list(items = paste0("O", 1:5), rev = c("O2", "O5"))
)
keyed <- psych::bfi[, unlist(lapply(scales, `[[`, "items"))]
rev <- unlist(lapply(scales, `[[`, "rev"), use.names = FALSE)
for (it in rev) keyed[[it]] <- 7 - keyed[[it]]
cases[[length(cases) + 1]] <- om_case("bfi5", keyed, 5, rev)
cases[[length(cases) + 1]] <- om_case("bfi_ACE3", keyed[, 1:15], 3, intersect(rev, colnames(keyed)[1:15]))
cases[[length(cases) + 1]] <- om_case("bfi_AC2", keyed[, 1:10], 2, intersect(rev, colnames(keyed)[1:10]))
# unkeyed bfi items: psych flips the items with a negative g loading
cases[[length(cases) + 1]] <- om_case("bfi5_unkeyed", psych::bfi[, 1:25], 5)

# the sample study, pre wave, keyed as in sample.R (6 - x)
csv_path <- normalizePath(file.path(here, "..", "..", "data", "sample", "qcity_long.csv"))
dat <- read.csv(csv_path, colClasses = c(id = "character"), na.strings = "")
ITEMS <- c(paste0("IND", 1:5), paste0("FAM", 1:5), paste0("WORK", 1:5), paste0("ORG", 1:5),
           paste0("SOC", 1:5))
REVERSE <- c("IND4", "FAM3", "WORK5", "ORG2", "SOC4")
pre <- dat[dat$wave == "pre", ITEMS]
for (it in REVERSE) pre[[it]] <- 6 - pre[[it]]
cases[[length(cases) + 1]] <- om_case("sample_pre", pre, 5, REVERSE)
# a correlation matrix that is not positive definite: the intervention group's
# pre rows only (24 people, 25 items; smc through psych's Pinv, clamped)
pre_i <- dat[dat$wave == "pre" & dat$group == "intervention", ITEMS]
for (it in REVERSE) pre_i[[it]] <- 6 - pre_i[[it]]
stopifnot(min(eigen(cor(pre_i, use = "pairwise"))$values) < 1e-10)
cases[[length(cases) + 1]] <- om_case("sample_pre_intervention", pre_i, 5, REVERSE,
  list(min_eigenvalue = min(eigen(cor(pre_i, use = "pairwise"))$values)))

for (cs in cases) cat(sprintf("%-14s omega_h=%.8f omega_t=%.8f min psi=%.5f heywood=%s oblimin it=%d\n",
                              cs$name, cs$omega_h, cs$omega_total, min(cs$psi), cs$heywood,
                              cs$oblimin_iterations))
out <- list(meta = c(make_meta("tests/reference/omega_h.R"),
                     list(gparotation_version = as.character(packageVersion("GPArotation")))),
            data = list(bfi = "tests/reference/bfi.csv (keyed = 7 - x)",
                        sample = "data/sample/qcity_long.csv, pre rows, keyed = 6 - x"),
            cases = cases)
write_ref(out, file.path(here, "omega_h.json"))
