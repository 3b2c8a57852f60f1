# Reference values for the confirmatory factor analysis (lavaan::cfa with its
# defaults, semTools::AVE / compRelSEM / htmt) -> cfa.json, plus two data files
# written from R: holzinger.csv (lavaan::HolzingerSwineford1939, the nine
# test scores) and heywood.csv (seeded simulated data with a Heywood case).
# Run:  Rscript tests/reference/cfa.R
#
# Every case is fitted twice:
#   * "default": lavaan::cfa(model, data, std.lv = FALSE) with every default
#     (ML, listwise, expected information, nlminb rel.tol = 1e-10);
#   * "tight":  the same with optim.method = "GN" (lavaan's Gauss-Newton),
#     optim.gn.tol.x = 1e-14 (1e-12 or 1e-10 where GN cannot reach it, stored as
#     gn_tol_x): the converged ML solution (gradient ~1e-14) that
#     an exact implementation reproduces to ~1e-9; the default nlminb fit stops
#     with a gradient of ~1e-7, i.e. ~1e-6 relative away in the estimates.
#     (nlminb itself cannot be tightened: rel.tol < 1e-10 ends in "false
#     convergence".)
# The RMSEA interval is stored as lavaan computes it (uniroot with its default
# tol = 1.2e-4 on the noncentrality parameter) and with uniroot tol = 1e-14
# ("rmsea_ci_exact").
# Conventions: see the Notes of stressgroup.reliability.cfa_model (docstring).

options(digits = 16)
get_dir <- function() {
  a <- commandArgs(trailingOnly = FALSE)
  f <- sub("^--file=", "", a[grep("^--file=", a)])
  if (length(f) == 0) getwd() else dirname(normalizePath(f[1]))
}
here <- get_dir()
source(file.path(here, "_common.R"))
suppressPackageStartupMessages({
  library(lavaan)
  library(semTools)
})

# ---------------------------------------------------------------- data files
hs <- lavaan::HolzingerSwineford1939
hs_out <- data.frame(id = hs$id, hs[, paste0("x", 1:9)])
write.csv(hs_out, file.path(here, "holzinger.csv"), row.names = FALSE, quote = FALSE)
message("wrote ", file.path(here, "holzinger.csv"))

# Heywood case: factor F1 with population correlations r12 = r13 = .8,
# r23 = .5 (so lambda1^2 = r12 r13 / r23 = 1.28), F2 three ordinary items.
set.seed(20261201)
P <- diag(6)
P[1, 2] <- P[2, 1] <- 0.8; P[1, 3] <- P[3, 1] <- 0.8; P[2, 3] <- P[3, 2] <- 0.5
P[4:6, 4:6] <- 0.5; diag(P) <- 1
P[1:3, 4:6] <- 0.3; P[4:6, 1:3] <- 0.3
hw <- MASS::mvrnorm(150, mu = rep(3, 6), Sigma = P)
colnames(hw) <- c("h1", "h2", "h3", "g1", "g2", "g3")
hw <- round(hw, 3)
write.csv(data.frame(id = seq_len(nrow(hw)), hw), file.path(here, "heywood.csv"),
          row.names = FALSE, quote = FALSE)
message("wrote ", file.path(here, "heywood.csv"))
hw <- read.csv(file.path(here, "heywood.csv"))

# ---------------------------------------------------------------- helpers
model_syntax <- function(factors) {
  paste(vapply(names(factors), function(f) paste(f, "=~", paste(factors[[f]], collapse = " + ")),
               ""), collapse = "\n")
}

mat_rows <- function(M) lapply(seq_len(nrow(M)), function(i) I(unname(as.numeric(M[i, ]))))


exact_rmsea_ci <- function(X2, df, N, level = 0.9) {
  up <- 1 - (1 - level) / 2; lo <- (1 - level) / 2
  fl <- function(l) pchisq(X2, df, ncp = l) - up
  fu <- function(l) pchisq(X2, df, ncp = l) - lo
  low <- if (df < 1 || fl(0) < 0) 0 else
    sqrt(uniroot(fl, c(0, X2), tol = 1e-14, maxiter = 10000)$root / (N * df))
  NR <- max(N, X2 * 4)
  high <- if (df < 1 || fu(NR) > 0 || fu(0) < 0) 0 else
    sqrt(uniroot(fu, c(0, NR), tol = 1e-14, maxiter = 10000)$root / (N * df))
  c(low, high)
}

fit_summary <- function(fit, factors, data) {
  fm <- fitMeasures(fit)
  X2 <- unname(fm["chisq"]); df <- unname(fm["df"]); N <- lavInspect(fit, "ntotal")
  pe <- parameterEstimates(fit)
  ss <- standardizedSolution(fit)
  items <- unlist(factors, use.names = FALSE)
  lo <- pe[pe$op == "=~", ]
  so <- ss[ss$op == "=~", ]
  stopifnot(all(lo$lhs == so$lhs), all(lo$rhs == so$rhs))
  rv <- pe[pe$op == "~~" & pe$lhs == pe$rhs & pe$lhs %in% items, ]
  srv <- ss[ss$op == "~~" & ss$lhs == ss$rhs & ss$lhs %in% items, ]
  fv <- pe[pe$op == "~~" & pe$lhs %in% names(factors), ]
  sfv <- ss[ss$op == "~~" & ss$lhs %in% names(factors) & ss$lhs != ss$rhs, ]
  ave <- semTools::AVE(fit)
  cr <- semTools::compRelSEM(fit)
  S <- lavInspect(fit, "sampstat")$cov
  Sigma <- lavInspect(fit, "cov.ov")
  PHI <- lavInspect(fit, "cov.lv")
  LAM <- lavInspect(fit, "est")$lambda
  # independent checks of the documented formulas
  fiml <- lavInspect(fit, "options")$missing == "ml"
  sd <- 1 / sqrt(diag(S))
  Rres <- (S - Sigma) * outer(sd, sd)
  if (!fiml) {
    Fml <- log(det(Sigma)) + sum(diag(S %*% solve(Sigma))) - log(det(S)) - nrow(S)
    stopifnot(abs(N * Fml - X2) < 1e-6 * max(1, X2))
    srmr_manual <- sqrt(mean(Rres[lower.tri(Rres, diag = TRUE)]^2))
  } else {   # FIML: mean residuals enter (h1 = EM means and covariances)
    rm <- (lavInspect(fit, "sampstat")$mean - lavInspect(fit, "mean.ov")) * sd
    srmr_manual <- sqrt((sum(Rres[lower.tri(Rres, diag = TRUE)]^2) + sum(rm^2)) /
                        (length(sd) * (length(sd) + 1) / 2 + length(sd)))
  }
  stopifnot(abs(srmr_manual - fm["srmr"]) < 1e-12)
  for (f in names(factors)) {
    l <- LAM[factors[[f]], f]
    stopifnot(abs(sum(l^2) * PHI[f, f] / sum(diag(S)[factors[[f]]]) - ave[f]) < 1e-12)
    stopifnot(abs(sum(l)^2 * PHI[f, f] / sum(S[factors[[f]], factors[[f]]]) - cr[f]) < 1e-12)
  }
  mod <- model_syntax(factors)
  list(
    n = N,
    npar = unname(fm["npar"]),
    chisq = X2, df = df, p = unname(fm["pvalue"]),
    baseline_chisq = unname(fm["baseline.chisq"]), baseline_df = unname(fm["baseline.df"]),
    baseline_p = unname(fm["baseline.pvalue"]),
    cfi = unname(fm["cfi"]), tli = unname(fm["tli"]),
    rmsea = unname(fm["rmsea"]),
    rmsea_ci = I(unname(c(fm["rmsea.ci.lower"], fm["rmsea.ci.upper"]))),
    rmsea_ci_exact = I(exact_rmsea_ci(X2, df, N)),
    rmsea_p = unname(fm["rmsea.pvalue"]),
    srmr = unname(fm["srmr"]), srmr_bentler = unname(fm["srmr_bentler"]),
    loglik = unname(fm["logl"]), unrestricted_loglik = unname(fm["unrestricted.logl"]),
    aic = unname(fm["aic"]), bic = unname(fm["bic"]), bic2 = unname(fm["bic2"]),
    fmin = unname(fm["fmin"]),
    converged = lavInspect(fit, "converged"),
    iterations = lavInspect(fit, "iterations"),
    max_gradient = max(abs(lavInspect(fit, "gradient"))),
    loadings = list(factor = lo$lhs, item = lo$rhs,
                    est = I(lo$est), se = I(lo$se),
                    std_all = I(so$est.std), std_se = I(so$se), std_z = I(so$z),
                    std_p = I(so$pvalue)),
    residual_variances = list(item = rv$lhs, est = I(rv$est), se = I(rv$se),
                              std_all = I(srv$est.std), std_se = I(srv$se)),
    factor_cov = list(lhs = I(fv$lhs), rhs = I(fv$rhs), est = I(fv$est), se = I(fv$se)),
    factor_cor = list(lhs = I(sfv$lhs), rhs = I(sfv$rhs), est = I(sfv$est.std), se = I(sfv$se),
                      z = I(sfv$z), p = I(sfv$pvalue)),
    ave = as.list(unclass(ave)),
    cr = as.list(unclass(cr)),
    htmt = mat_rows(unclass(semTools::htmt(mod, data))),
    htmt_arithmetic = mat_rows(unclass(semTools::htmt(mod, data, htmt2 = FALSE))),
    htmt_ml = if (fiml) mat_rows(unclass(semTools::htmt(mod, data, missing = "ml"))) else NULL,
    htmt_ml_arithmetic = if (fiml) mat_rows(unclass(semTools::htmt(mod, data, missing = "ml",
                                                                   htmt2 = FALSE))) else NULL
  )
}

cfa_case <- function(name, data, factors, note = "") {
  items <- unlist(factors, use.names = FALSE)
  mod <- model_syntax(factors)
  d <- data[, items]
  warn <- character(0)
  fit_d <- withCallingHandlers(lavaan::cfa(mod, data = d, std.lv = FALSE),
    warning = function(w) { warn <<- c(warn, conditionMessage(w)); invokeRestart("muffleWarning") })
  gn <- function(std.lv, tol) suppressWarnings(lavaan::cfa(mod, data = d, std.lv = std.lv,
    optim.method = "GN", optim.gn.tol.x = tol, optim.gn.iter.max = 1000L))
  for (gn_tol in c(1e-14, 1e-12, 1e-10)) {   # the first tolerance GN reaches
    fit_t <- gn(FALSE, gn_tol)
    if (lavInspect(fit_t, "converged")) break
  }
  stopifnot(lavInspect(fit_t, "converged"))
  fit_s <- gn(TRUE, gn_tol)
  st <- standardizedSolution(fit_t); ss <- standardizedSolution(fit_s)
  stopifnot(max(abs(st$est.std - ss$est.std[match(paste(st$lhs, st$op, st$rhs),
                                                    paste(ss$lhs, ss$op, ss$rhs))])) < 1e-6)
  list(name = name, note = note, model = mod,
       factors = lapply(factors, I),
       n_rows = nrow(d), n_complete = sum(complete.cases(d)),
       warnings = I(warn), gn_tol_x = gn_tol,
       default = fit_summary(fit_d, factors, d),
       tight = fit_summary(fit_t, factors, d))
}

cases <- list()

hs_factors <- list(visual = c("x1", "x2", "x3"), textual = c("x4", "x5", "x6"),
                   speed = c("x7", "x8", "x9"))
cases[[length(cases) + 1]] <- cfa_case("holzinger", hs_out, hs_factors,
                                       "lavaan::HolzingerSwineford1939, the classic 3-factor model")

bfi <- read.csv(file.path(here, "bfi.csv"))
bfi_rev <- c("A1", "C4", "C5", "E1", "E2", "O2", "O5")
for (it in bfi_rev) bfi[[it]] <- 7 - bfi[[it]]
bfi_factors <- list(A = paste0("A", 1:5), C = paste0("C", 1:5), E = paste0("E", 1:5),
                    N = paste0("N", 1:5), O = paste0("O", 1:5))
cases[[length(cases) + 1]] <- cfa_case("bfi", bfi, bfi_factors,
                                       "psych::bfi keyed 7 - x for A1 C4 C5 E1 E2 O2 O5; listwise")

smp <- read.csv(file.path(here, "..", "..", "data", "sample", "qcity_long.csv"),
                colClasses = c(id = "character"), na.strings = "")
smp <- smp[smp$wave == "pre", ]
for (it in c("IND4", "FAM3", "WORK5", "ORG2", "SOC4")) smp[[it]] <- 6 - smp[[it]]
smp_factors <- list(individual = paste0("IND", 1:5), family = paste0("FAM", 1:5),
                    work = paste0("WORK", 1:5), organization = paste0("ORG", 1:5),
                    society = paste0("SOC", 1:5))
cases[[length(cases) + 1]] <- cfa_case("sample", smp, smp_factors,
                                       "data/sample/qcity_long.csv, pre wave, keyed 6 - x; listwise")

cases[[length(cases) + 1]] <- cfa_case("heywood", hw,
                                       list(F1 = c("h1", "h2", "h3"), F2 = c("g1", "g2", "g3")),
                                       "simulated (heywood.csv): negative residual variance of h1")

# ---------------------------------------------------------------- FIML
# lavaan::cfa(model, data, missing = "ml"): default nlminb fit only (its
# Gauss-Newton does not converge with missing = "ml"); gradient ~1e-6.
# SEs: lavaan's default for missing = "ml" is information = "observed"
# (Hessian). HTMT also with semTools::htmt(..., missing = "ml") (EM correlations).
hs_miss <- hs_out
set.seed(20261202)
for (v in paste0("x", 1:9)) hs_miss[[v]][runif(nrow(hs_miss)) < 0.1] <- NA
write.csv(hs_miss, file.path(here, "holzinger_missing.csv"), row.names = FALSE, quote = FALSE,
          na = "")
message("wrote ", file.path(here, "holzinger_missing.csv"))
hs_miss <- read.csv(file.path(here, "holzinger_missing.csv"))

fiml_case <- function(name, data, factors, note = "") {
  items <- unlist(factors, use.names = FALSE)
  mod <- model_syntax(factors)
  d <- data[, items]
  warn <- character(0)
  fit <- withCallingHandlers(lavaan::cfa(mod, data = d, std.lv = FALSE, missing = "ml"),
    warning = function(w) { warn <<- c(warn, conditionMessage(w)); invokeRestart("muffleWarning") })
  stopifnot(lavInspect(fit, "options")$information[1] == "observed")
  pe <- parameterEstimates(fit)
  int <- pe[pe$op == "~1" & pe$lhs %in% items, ]
  list(name = name, note = note, model = mod, factors = lapply(factors, I),
       n_rows = nrow(d), n_complete = sum(complete.cases(d)),
       n_used = lavInspect(fit, "ntotal"), warnings = I(warn),
       default = c(fit_summary(fit, factors, d),
                   list(intercepts = list(item = int$lhs, est = I(int$est), se = I(int$se)))))
}
fiml_cases <- list(
  fiml_case("holzinger_missing", hs_miss, hs_factors,
            "holzinger.csv with 10% MCAR holes per item (seed 20261202)"),
  fiml_case("bfi", bfi, bfi_factors, "psych::bfi keyed, all 2800 rows, FIML"),
  fiml_case("sample", smp, smp_factors, "study sample, pre wave, all 48 rows, FIML"))

out <- list(meta = c(make_meta("cfa.R"), list(
  lavaan_version = as.character(packageVersion("lavaan")),
  semtools_version = as.character(packageVersion("semTools")))),
  cases = cases, fiml_cases = fiml_cases)
write_ref(out, file.path(here, "cfa.json"))
