# Reference values for the sampling-adequacy checks -> validity.json:
# psych::KMO (MSA overall and per item) and psych::cortest.bartlett.
# Run:  Rscript tests/reference/validity.R
#
# psych::KMO(raw data) works on cor(x, use = "pairwise"); cortest.bartlett(raw
# data) also uses cor(x, use = "pairwise") and n = nrow(x) (all rows, also
# rows with missing cells).  The listwise case passes cor(x, use = "complete")
# and n = number of complete rows.  Cases: psych::bfi (25 items, read from
# bfi.csv, raw keying), the listwise bfi, the first 10 items of bfi, and a
# small non-positive-definite pairwise matrix (npd.csv, written here).

options(digits = 16)
get_dir <- function() {
  a <- commandArgs(trailingOnly = FALSE)
  f <- sub("^--file=", "", a[grep("^--file=", a)])
  if (length(f) == 0) getwd() else dirname(normalizePath(f[1]))
}
here <- get_dir()
source(file.path(here, "_common.R"))

bfi <- read.csv(file.path(here, "bfi.csv"))
items25 <- c(paste0("A", 1:5), paste0("C", 1:5), paste0("E", 1:5),
             paste0("N", 1:5), paste0("O", 1:5))

# --- a small non-positive-definite pairwise correlation matrix: four items,
# each pair observed together only in its own block of rows, with a = b,
# b = c positively related and a = c negatively related (impossible jointly).
set.seed(20261201)
npd_data <- function() {
  m <- 20
  blocks <- list(c("a", "b"), c("b", "c"), c("a", "c"), c("a", "d"), c("b", "d"), c("c", "d"))
  sgn <- c(1, 1, -1, 1, 1, 1)
  out <- NULL
  for (i in seq_along(blocks)) {
    z <- round(rnorm(m) * 1.2 + 3)
    w <- round(sgn[i] * (z - 3) * 0.7 + rnorm(m) * 0.8 + 3)
    d <- data.frame(a = NA_real_, b = NA_real_, c = NA_real_, d = NA_real_)[rep(1, m), ]
    d[[blocks[[i]][1]]] <- z
    d[[blocks[[i]][2]]] <- w
    out <- rbind(out, d)
  }
  rownames(out) <- NULL
  out
}
npd <- npd_data()
write.csv(npd, file.path(here, "npd.csv"), row.names = FALSE, na = "", quote = FALSE)
message("wrote ", file.path(here, "npd.csv"))

case <- function(name, x, use = "pairwise") {
  x <- as.data.frame(lapply(x, as.numeric))
  if (use == "pairwise") {
    k <- suppressMessages(psych::KMO(x))            # cor(x, use = "pairwise") inside
    b <- suppressMessages(psych::cortest.bartlett(x))  # n = nrow(x)
    R <- cor(x, use = "pairwise")
    n <- nrow(x)
  } else {
    R <- cor(x, use = "complete")
    n <- sum(complete.cases(x))
    k <- psych::KMO(R)
    b <- psych::cortest.bartlett(R, n = n)
  }
  # independent check of the Bartlett formula
  p <- ncol(x)
  chi <- -log(det(R)) * (n - 1 - (2 * p + 5) / 6)
  stopifnot(isTRUE(all.equal(chi, b$chisq)) || is.nan(chi))
  list(name = name, use = use, items = colnames(x), n = n,
       kmo = k$MSA, kmo_per_item = I(unname(k$MSAi)),
       chisq = b$chisq, df = b$df, p = b$p.value,
       det = det(R), min_eigenvalue = min(eigen(R)$values))
}

cases <- list(
  case("bfi25", bfi[, items25]),
  case("bfi25_listwise", bfi[, items25], use = "complete"),
  case("bfi10", bfi[, items25[1:10]]),
  case("bfiA_first60", bfi[1:60, items25[1:5]]),
  suppressWarnings(case("npd", npd))
)

write_ref(list(meta = make_meta("validity.R"), cases = cases),
          file.path(here, "validity.json"))
