# Reference values for Cronbach's alpha (psych::alpha), omega total
# (psych::omega, nfactors = 1) and the underlying minres fit -> alpha.json,
# plus the data file bfi.csv (psych::bfi, 25 items + gender, education, age,
# 1-based `row`, NA written as an empty cell).
# Run:  Rscript tests/reference/alpha.R
#
# Reverse keying is done HERE as 7 - x (declared 1-6 range); psych::alpha is
# then called on the already keyed items with no keys and check.keys = FALSE.
# Formulas: see NOTES.md.

options(digits = 16)
get_dir <- function() {
  a <- commandArgs(trailingOnly = FALSE)
  f <- sub("^--file=", "", a[grep("^--file=", a)])
  if (length(f) == 0) getwd() else dirname(normalizePath(f[1]))
}
here <- get_dir()
source(file.path(here, "_common.R"))
suppressPackageStartupMessages(library(GPArotation))

# ---------------------------------------------------------------- data file
items25 <- c(paste0("A", 1:5), paste0("C", 1:5), paste0("E", 1:5),
             paste0("N", 1:5), paste0("O", 1:5))
bfi_out <- data.frame(row = seq_len(nrow(psych::bfi)),
                      psych::bfi[, c(items25, "gender", "education", "age")])
write.csv(bfi_out, file.path(here, "bfi.csv"), row.names = FALSE, na = "",
          quote = FALSE)
message("wrote ", file.path(here, "bfi.csv"))

# minres_converged() is defined in _common.R

alpha_case <- function(name, keyed, reversed = character(0)) {
  keyed <- as.data.frame(lapply(keyed, as.numeric))
  items <- colnames(keyed)
  k <- ncol(keyed)
  a <- suppressWarnings(psych::alpha(keyed, check.keys = FALSE, warnings = FALSE))
  tot <- a$total
  st <- a$item.stats
  ad <- a$alpha.drop

  # independent checks of the documented formulas
  C <- cov(keyed, use = "pairwise")
  R <- cov2cor(C)
  raw <- (1 - sum(diag(C)) / sum(C)) * k / (k - 1)
  stopifnot(abs(raw - tot$raw_alpha) < 1e-13)
  stdv <- (1 - k / sum(R)) * k / (k - 1)
  stopifnot(abs(stdv - tot$std.alpha) < 1e-13)
  Q <- (2 * k^2 / ((k - 1)^2 * sum(C)^3)) *
    (sum(C) * (sum(diag(C %*% C)) + sum(diag(C))^2) - 2 * sum(diag(C)) * sum(C %*% C))
  stopifnot(abs(sqrt(Q / nrow(keyed)) - tot$ase) < 1e-13)
  fe <- psych::alpha.ci(tot$raw_alpha, nrow(keyed), k)
  stopifnot(abs(fe$lower.ci - a$feldt$lower.ci) < 1e-13)

  # omega total, nfactors = 1
  om <- suppressWarnings(suppressMessages(
    psych::omega(keyed, nfactors = 1, plot = FALSE)))
  Rp <- cor(keyed, use = "pairwise")
  fa1 <- suppressWarnings(suppressMessages(
    psych::fa(Rp, nfactors = 1, fm = "minres")))
  L <- as.vector(fa1$loadings[, 1])
  omega_check <- (sum(Rp) - sum(1 - L^2)) / sum(Rp)
  stopifnot(abs(omega_check - om$omega.tot) < 1e-12)
  res <- Rp - tcrossprod(L)
  smc_start <- 1 - psych::smc(Rp)
  conv <- minres_converged(Rp, smc_start)

  list(
    name = name,
    items = items,
    reversed = reversed,
    n = nrow(keyed),
    n_complete = sum(complete.cases(keyed)),
    k = k,
    raw_alpha = tot$raw_alpha,
    std_alpha = tot$std.alpha,
    g6 = tot[["G6(smc)"]],
    average_r = tot$average_r,
    s_n = tot[["S/N"]],
    ase = tot$ase,
    mean = tot$mean,
    sd = tot$sd,
    median_r = tot$median_r,
    var_r = unname(unlist(a$var.r)),
    feldt_ci = c(a$feldt$lower.ci[[1]], a$feldt$upper.ci[[1]]),
    # psych's print.psych (alpha) uses the literal 1.96, not qnorm(.975):
    duhachek_ci = c(tot$raw_alpha - 1.96 * tot$ase, tot$raw_alpha + 1.96 * tot$ase),
    duhachek_ci_qnorm = c(tot$raw_alpha - qnorm(0.975) * tot$ase,
                          tot$raw_alpha + qnorm(0.975) * tot$ase),
    item_stats = list(
      items = items,
      n = as.numeric(st$n),
      raw_r = as.numeric(st$raw.r),
      std_r = as.numeric(st$std.r),
      r_cor = as.numeric(st$r.cor),
      r_drop = as.numeric(st$r.drop),
      mean = as.numeric(st$mean),
      sd = as.numeric(st$sd),
      alpha_if_dropped = as.numeric(ad$raw_alpha)
    ),
    alpha_drop = list(
      raw_alpha = as.numeric(ad$raw_alpha),
      std_alpha = as.numeric(ad$std.alpha),
      g6 = as.numeric(ad[["G6(smc)"]]),
      average_r = as.numeric(ad$average_r),
      s_n = as.numeric(ad[["S/N"]]),
      alpha_se = if (!is.null(ad[["alpha se"]])) as.numeric(ad[["alpha se"]]) else NULL,
      var_r = as.numeric(ad$var.r),
      median_r = as.numeric(ad$med.r)
    ),
    omega_total = om$omega.tot,
    omega_alpha = om$alpha,
    omega_g6 = om$G6,
    fa_minres = list(
      loadings = L,
      uniquenesses = as.numeric(fa1$uniquenesses),       # diag(R - L L')
      psi_optim = as.numeric(1 - fa1$communalities),     # optim's final par
      start_psi = as.numeric(smc_start),                 # 1 - smc(R)
      objective = sum(res[lower.tri(res)]^2)
    ),
    # exact (principal-axis iterated to 1e-15) minres solution, for judging
    # how far psych's L-BFGS-B stopping point is from the true minimiser
    fa_minres_converged = list(
      loadings = conv$loadings,
      uniquenesses = conv$uniquenesses,
      psi = conv$psi,
      objective = conv$objective,
      iterations = conv$iterations,
      method = conv$method
    ),
    omega_total_converged = conv$omega_total
  )
}

# ------------------------------------------------------------ bfi scales
scales <- list(
  A = list(items = paste0("A", 1:5), rev = "A1"),
  C = list(items = paste0("C", 1:5), rev = c("C4", "C5")),
  E = list(items = paste0("E", 1:5), rev = c("E1", "E2")),
  N = list(items = paste0("N", 1:5), rev = character(0)),
  O = list(items = paste0("O", 1:5), rev = c("O2", "O5"))
)

cases <- list()
for (nm in names(scales)) {
  sc <- scales[[nm]]
  keyed <- psych::bfi[, sc$items]
  for (it in sc$rev) keyed[[it]] <- 7 - keyed[[it]]
  cases[[length(cases) + 1]] <- alpha_case(nm, keyed, sc$rev)
}

# ------------------------------------------------------------ small_missing
# 15 x 4, answers 1-5, NAs; items s3 and s4 overlap in only 4 respondents
# (rows 6-9) to exercise pairwise covariances.
set.seed(20240515)
z <- rnorm(15)
sm <- sapply(1:4, function(j) pmin(5, pmax(1, round(3 + 0.9 * z + rnorm(15, sd = 0.8)))))
colnames(sm) <- paste0("s", 1:4)
sm[10:15, "s3"] <- NA
sm[1:5, "s4"] <- NA
sm[2, "s1"] <- NA
sm[12, "s2"] <- NA
stopifnot(sum(complete.cases(sm[, c("s3", "s4")])) == 4)
small <- as.data.frame(sm)
sm_case <- alpha_case("small_missing", small)
sm_case$data <- lapply(seq_len(ncol(sm)), function(j) as.list(as.numeric(sm[, j])))
names(sm_case$data) <- colnames(sm)
sm_case$pairwise_n <- lapply(seq_len(ncol(sm)), function(j)
  as.numeric(colSums(!is.na(sm) & !is.na(sm[, j]))))
names(sm_case$pairwise_n) <- colnames(sm)
cases[[length(cases) + 1]] <- sm_case

for (cs in cases) {
  cat(sprintf("%-14s alpha=%.6f std=%.6f ase=%.6f feldt=[%.6f, %.6f] omega=%.8f conv=%.8f diff=%.2e\n",
              cs$name, cs$raw_alpha, cs$std_alpha, cs$ase, cs$feldt_ci[1], cs$feldt_ci[2],
              cs$omega_total, cs$omega_total_converged,
              cs$omega_total - cs$omega_total_converged))
}

out <- list(meta = make_meta("tests/reference/alpha.R"),
            data = list(bfi = "tests/reference/bfi.csv (row is 1-based; keyed = 7 - x)"),
            cases = cases)
write_ref(out, file.path(here, "alpha.json"))
