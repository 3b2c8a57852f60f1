# Reference values for exploratory factor analysis -> efa.json:
# psych::fa (minres and principal axis; rotations oblimin (GPArotation,
# gamma = 0, normalize = FALSE), varimax (stats::varimax, Kaiser
# normalisation) and none) and psych::fa.parallel(fa = "fa", fm = "minres").
# Run:  Rscript tests/reference/efa.R
#
# What psych 2.2.9 does (printed from psych:::fac, psych::fa.parallel,
# GPArotation::GPFoblq, stats::varimax, psych::cor.smooth, psych::smc):
# * raw data -> r <- cor(x, use = "pairwise"); n.obs = nrow(x).  fa() does NOT
#   smooth a non-positive-definite r before fitting (cor.smooth only enters the
#   fit statistics); the "smoothed" case passes cor.smooth(r) explicitly.
# * minres: optim(1 - smc(r), fit.residuals, FAgr.minres, "L-BFGS-B",
#   lower = .005, upper = 1, parscale = .01); loadings = principal axes of
#   r - diag(psi).  smc uses Pinv (SVD, singular values <= sqrt(eps) * d1 dropped).
# * pa: principal axes from diag = smc until |sum(h2) - sum(h2_old)| < .001
#   (max.iter 50); $values = eigenvalues of the last reduced matrix factored.
# * signs: columns flipped to positive sums after extraction and again after
#   rotation (Phi flipped with them); then columns ordered by
#   diag(t(L) %*% L) (orthogonal) or diag(Phi %*% t(L) %*% L) (oblique),
#   keeping their names (MR2, MR1, ...).  communality = rowSums(unrotated L^2).
# * oblimin: GPArotation::oblimin(L) = GPFoblq(normalize = FALSE, eps = 1e-5,
#   maxit = 1000, Tmat = I, gam = 0); varimax: stats::varimax(L) (normalize =
#   TRUE, eps = 1e-5).
# * fa.parallel(fa = "fa"): observed = fa(r, 1, rotate = "none")$values; the
#   decision uses the simulated normal data only (sim = TRUE):
#   nfact = which(!(fa.values > quantile(sim.fa, .95)))[1] - 1.  The draws run
#   in parallel::mclapply, whose forked workers ignore set.seed(); mc.cores = 1
#   below makes them reproducible.
#
# Data: psych::bfi from bfi.csv (raw keying, pairwise correlations as psych
# uses on raw data), its first 10 items, and npd.csv (written by validity.R:
# a non-positive-definite pairwise correlation matrix), heywood_efa.csv (written
# here: a one-factor Heywood case).

options(digits = 16)
get_dir <- function() {
  a <- commandArgs(trailingOnly = FALSE)
  f <- sub("^--file=", "", a[grep("^--file=", a)])
  if (length(f) == 0) getwd() else dirname(normalizePath(f[1]))
}
here <- get_dir()
source(file.path(here, "_common.R"))
suppressPackageStartupMessages(library(GPArotation))
# fa.parallel draws inside parallel::mclapply; with more than one core the
# forked workers' random numbers do not follow set.seed(). One core: lapply
# in this process, so the stored draws are reproducible.
options(mc.cores = 1)

bfi <- read.csv(file.path(here, "bfi.csv"))
items25 <- c(paste0("A", 1:5), paste0("C", 1:5), paste0("E", 1:5),
             paste0("N", 1:5), paste0("O", 1:5))
npd <- read.csv(file.path(here, "npd.csv"))

# --- a Heywood case: three items with r12 r13 / r23 = 1.2 > 1, so the one-factor
# communality of h1 would exceed 1 (minres stops at psych's bound psi = 0.005)
set.seed(31)
heywood <- as.data.frame(MASS::mvrnorm(100, mu = rep(0, 3), empirical = TRUE,
  Sigma = matrix(c(1, .8, .6, .8, 1, .4, .6, .4, 1), 3)))
names(heywood) <- c("h1", "h2", "h3")
heywood <- round(heywood, 4)
write.csv(heywood, file.path(here, "heywood_efa.csv"), row.names = FALSE, quote = FALSE)
message("wrote ", file.path(here, "heywood_efa.csv"))

cols <- function(M) {          # matrix -> {colname: [values]}
  M <- unclass(M)
  out <- lapply(seq_len(ncol(M)), function(j) I(unname(as.numeric(M[, j]))))
  names(out) <- colnames(M)
  out
}
rows <- function(M) lapply(seq_len(nrow(M)), function(i) I(unname(as.numeric(M[i, ]))))

fa_case <- function(name, x, nf, fm, rotate, smooth_input = FALSE, normalize = NULL) {
  x <- as.data.frame(lapply(x, as.numeric))
  R <- cor(x, use = "pairwise")
  input <- if (smooth_input) suppressWarnings(psych::cor.smooth(R)) else x
  f <- if (is.null(normalize)) {
    suppressWarnings(suppressMessages(psych::fa(input, nfactors = nf, fm = fm, rotate = rotate)))
  } else {   # passed on to GPArotation::oblimin
    suppressWarnings(suppressMessages(psych::fa(input, nfactors = nf, fm = fm, rotate = rotate,
                                                normalize = normalize)))
  }
  f0 <- suppressWarnings(suppressMessages(
    psych::fa(input, nfactors = nf, fm = fm, rotate = "none")))
  L <- unclass(f$loadings)
  L0 <- unclass(f0$loadings)
  out <- list(name = name, items = colnames(x), n_factors = nf, method = fm,
              rotation = rotate, smooth = smooth_input, n = nrow(x),
              normalize = if (is.null(normalize)) NA else normalize,
              factor_names = colnames(L),
              loadings = cols(L), unrotated = cols(L0),
              communalities = I(unname(f$communality)),
              communalities_optim = I(unname(f$communalities)),
              uniquenesses = I(unname(f$uniquenesses)),
              values = I(unname(f$values)), e_values = I(unname(f$e.values)),
              extraction_ss = I(unname(colSums(L0^2))))
  if (!is.null(f$Phi)) {
    out$phi <- rows(f$Phi)
    out$rotation_ss_psych <- I(unname(diag(f$Phi %*% t(L) %*% L)))
    out$rotation_ss_structure <- I(unname(colSums((L %*% f$Phi)^2)))
  } else if (nf > 1) {
    out$rotation_ss <- I(unname(colSums(L^2)))
  }
  out
}

cases <- list()
for (fm in c("minres", "pa")) for (rot in c("oblimin", "varimax", "none")) {
  cases[[length(cases) + 1]] <- fa_case(paste("bfi25", fm, rot, sep = "_"),
                                        bfi[, items25], 5, fm, rot)
}
cases[[length(cases) + 1]] <- fa_case("bfi25_minres_oblimin_kaiser", bfi[, items25], 5,
                                      "minres", "oblimin", normalize = TRUE)
cases[[length(cases) + 1]] <- fa_case("bfi25_minres_1", bfi[, items25], 1, "minres", "oblimin")
cases[[length(cases) + 1]] <- fa_case("bfi10_minres_oblimin_2", bfi[, items25[1:10]], 2,
                                      "minres", "oblimin")
cases[[length(cases) + 1]] <- fa_case("bfi10_pa_varimax_3", bfi[, items25[1:10]], 3,
                                      "pa", "varimax")
cases[[length(cases) + 1]] <- fa_case("npd_minres_1", npd, 1, "minres", "none")
cases[[length(cases) + 1]] <- fa_case("npd_minres_1_smoothed", npd, 1, "minres", "none",
                                      smooth_input = TRUE)
cases[[length(cases) + 1]] <- fa_case("heywood_minres_1", heywood, 1, "minres", "none")
cases[[length(cases) + 1]] <- fa_case("heywood_pa_1", heywood, 1, "pa", "none")
# --- the study sample (data/sample/qcity_long.csv): all 48 pre rows, keyed
# items (6 - x for IND4, FAM3, WORK5, ORG2, SOC4), five factors: a Heywood
# case for minres (IND1 stops at psych's bound) and principal axis (h2 > 1)
dat <- read.csv(file.path(here, "..", "..", "data", "sample", "qcity_long.csv"),
                colClasses = c(id = "character"), na.strings = "")
pre <- dat[dat$wave == "pre", ]
sample_items <- c(paste0("IND", 1:5), paste0("FAM", 1:5), paste0("WORK", 1:5),
                  paste0("ORG", 1:5), paste0("SOC", 1:5))
keyed <- pre[, sample_items]
for (it in c("IND4", "FAM3", "WORK5", "ORG2", "SOC4")) keyed[[it]] <- 6 - keyed[[it]]
cases[[length(cases) + 1]] <- fa_case("sample_pre_minres_oblimin_5", keyed, 5, "minres", "oblimin")
cases[[length(cases) + 1]] <- fa_case("sample_pre_pa_oblimin_5", keyed, 5, "pa", "oblimin")
Rn <- cor(npd, use = "pairwise")
npd_smoothed <- rows(suppressWarnings(psych::cor.smooth(Rn)))

# --- parallel analysis (fa = "fa", fm = "minres", n.iter = 20, quant = .95)
par_case <- function(name, x, seed, n_iter = 20) {
  x <- as.data.frame(lapply(x, as.numeric))
  p <- ncol(x)
  set.seed(seed)
  pa <- suppressWarnings(suppressMessages(
    psych::fa.parallel(x, fa = "fa", fm = "minres", n.iter = n_iter, plot = FALSE)))
  simfa <- pa$values[, (3 * p + 1):(4 * p), drop = FALSE]   # simulated normal data, fa values
  list(name = name, items = colnames(x), n = nrow(x), seed = seed, n_iter = n_iter,
       observed = I(unname(pa$fa.values)),
       sim_mean = I(unname(pa$fa.sim)),
       sim_sd = I(unname(apply(simfa, 2, sd))),
       sim_quantile = I(unname(apply(simfa, 2, quantile, 0.95))),
       resampled_mean = I(unname(pa$fa.simr)),
       sim_values = rows(simfa),
       nfact = pa$nfact)
}
parallel <- list(par_case("bfi25", bfi[, items25], 20261201),
                 par_case("bfi10", bfi[, items25[1:10]], 7))

# --- per-matrix check of the simulated fa eigenvalues: three normal data
# matrices (60 x 6), their 1-factor minres eigenvalues as fa.parallel takes them
set.seed(99)
sims <- lapply(1:3, function(i) {
  m <- matrix(rnorm(60 * 6), 60, 6)
  v <- psych::fa(cor(m), nfactors = 1, fm = "minres", rotate = "none", warnings = FALSE)$values
  list(data = rows(m), values = I(v))
})

meta <- make_meta("efa.R")
meta$gparotation_version <- as.character(packageVersion("GPArotation"))
write_ref(list(meta = meta, cases = cases, parallel = parallel, sim_check = sims,
               npd_smoothed = npd_smoothed),
          file.path(here, "efa.json"))
