# Reference values for split_half(): psych::splitHalf lambda 2 / lambda 6,
# psych::alpha G6(smc), psych::guttman (complete data), and the first/second and
# odd/even splits by psych's own split formula (splitHalf's internal split()):
#   R2 = t(AB) %*% M %*% AB;  r = R2[1,2] / sqrt(R2[1,1] R2[2,2]);
#   spearman_brown = 2 r / (1 + r);  flanagan_rulon = 4 R2[1,2] / sum(M)
# with M = cov2cor(cov(x, use = "pairwise")) (covar = FALSE) or the covariance
# matrix (covar = TRUE).  First half = the first floor(k/2) items (psych's first
# split), odd = items 1, 3, 5, ...  -> split_half.json
# Run:  Rscript tests/reference/split_half.R
options(digits = 16)
get_dir <- function() {
  a <- commandArgs(trailingOnly = FALSE)
  f <- sub("^--file=", "", a[grep("^--file=", a)])
  if (length(f) == 0) getwd() else dirname(normalizePath(f[1]))
}
here <- get_dir()
source(file.path(here, "_common.R"))

split_stats <- function(M, a) {
  AB <- cbind(as.numeric(a), as.numeric(!a))
  R2 <- t(AB) %*% M %*% AB
  r <- R2[1, 2] / sqrt(R2[1, 1] * R2[2, 2])
  c(r = r, sb = 2 * r / (1 + r), fr = 4 * R2[1, 2] / sum(M))
}

sh_case <- function(name, x, reversed = character(0), covar = FALSE) {
  x <- as.data.frame(lapply(x, as.numeric))
  k <- ncol(x)
  C <- cov(x, use = "pairwise")
  M <- if (covar) C else cov2cor(C)
  first <- seq_len(k) <= floor(k / 2)
  odd <- seq_len(k) %% 2 == 1
  fs <- split_stats(M, first)
  oe <- split_stats(M, odd)
  sh <- suppressWarnings(psych::splitHalf(x, check.keys = FALSE, covar = covar))
  # the split psych itself evaluates first is 1:floor(k/2): its statistic is
  # our Flanagan-Rulon of the first/second split
  out <- list(name = name, items = colnames(x), reversed = reversed, covar = covar,
              n = nrow(x), k = k,
              r_first_second = fs[["r"]], spearman_brown_first_second = fs[["sb"]],
              flanagan_rulon_first_second = fs[["fr"]],
              r_odd_even = oe[["r"]], spearman_brown_odd_even = oe[["sb"]],
              flanagan_rulon_odd_even = oe[["fr"]],
              lambda_2 = sh$lambda2, lambda_6 = sh$lambda6, alpha = sh$alpha,
              splithalf_maxrb = sh$maxrb, splithalf_minrb = sh$minrb)
  if (!covar) {
    a <- suppressWarnings(psych::alpha(x, check.keys = FALSE, warnings = FALSE))
    out$alpha_g6 <- a$total[["G6(smc)"]]
    stopifnot(abs(out$alpha_g6 - sh$lambda6) < 1e-12)
    if (all(complete.cases(x))) {
      g <- suppressWarnings(suppressMessages(psych::guttman(x)))
      out$guttman_lambda_2 <- g$lambda.2
      out$guttman_lambda_6 <- g$lambda.6
      stopifnot(abs(g$lambda.2 - sh$lambda2) < 1e-12, abs(g$lambda.6 - sh$lambda6) < 1e-12)
    }
  }
  out
}

scales <- list(
  A = list(items = paste0("A", 1:5), rev = "A1"),
  C = list(items = paste0("C", 1:5), rev = c("C4", "C5")),
  E = list(items = paste0("E", 1:5), rev = c("E1", "E2")),
  N = list(items = paste0("N", 1:5), rev = character(0)),
  O = list(items = paste0("O", 1:5), rev = c("O2", "O5"))
)
cases <- list()
all_keyed <- NULL
for (nm in names(scales)) {
  sc <- scales[[nm]]
  keyed <- psych::bfi[, sc$items]
  for (it in sc$rev) keyed[[it]] <- 7 - keyed[[it]]
  all_keyed <- if (is.null(all_keyed)) keyed else cbind(all_keyed, keyed)
  cases[[length(cases) + 1]] <- sh_case(nm, keyed, sc$rev)
  cases[[length(cases) + 1]] <- sh_case(paste0(nm, "_covar"), keyed, sc$rev, covar = TRUE)
}
all_rev <- unlist(lapply(scales, `[[`, "rev"), use.names = FALSE)
cases[[length(cases) + 1]] <- sh_case("bfi25", all_keyed, all_rev)
cc <- all_keyed[complete.cases(all_keyed), paste0("C", 1:5)]
cases[[length(cases) + 1]] <- sh_case("C_complete", cc, c("C4", "C5"))
cases[[length(cases) + 1]] <- sh_case("C_complete_covar", cc, c("C4", "C5"), covar = TRUE)
cases[[length(cases) + 1]] <- sh_case("A_first4", psych::bfi[complete.cases(psych::bfi[, 2:5]), 2:5])

for (cs in cases) cat(sprintf("%-18s sb_fs=%.6f sb_oe=%.6f fr_fs=%.6f l2=%.6f l6=%.6f\n",
                              cs$name, cs$spearman_brown_first_second,
                              cs$spearman_brown_odd_even, cs$flanagan_rulon_first_second,
                              cs$lambda_2, cs$lambda_6))
out <- list(meta = make_meta("tests/reference/split_half.R"),
            data = list(bfi = "tests/reference/bfi.csv (row is 1-based; keyed = 7 - x)",
                        C_complete = "complete rows of the 25 keyed bfi items, C1-C5",
                        A_first4 = "rows of psych::bfi with A2-A5 complete, A2-A5 unkeyed"),
            cases = cases)
write_ref(out, file.path(here, "split_half.json"))
