# Reference values for icc_matrix() / icc(): psych::ICC (Shrout & Fleiss).
#   -> icc.json and icc_data.csv (a seeded test-retest data set, committed).
# Run:  Rscript tests/reference/icc.R
# Every case is run with lmer = FALSE (the ANOVA mean squares, what icc_matrix
# computes) and with psych's default lmer = TRUE (mean squares from lme4 REML
# variance components); "lmer_agrees" says whether the two tables agree to 1e-6.
# Cases:
#   sf         Shrout & Fleiss (1979) 6 targets x 4 judges (psych ?ICC example)
#   seeded     icc_data.csv: 40 people x 3 waves, seed 20261201
#   seeded_neg the same people, waves with (almost) no mean shift and a small
#              sample so that MSJ < MSE (REML sets the judge variance to 0)
#   sample_*   data/sample/qcity_long.csv scored as in sample.R (sample_scores.csv),
#              pre vs post per subscale, complete people only
options(digits = 16)
get_dir <- function() {
  a <- commandArgs(trailingOnly = FALSE)
  f <- sub("^--file=", "", a[grep("^--file=", a)])
  if (length(f) == 0) getwd() else dirname(normalizePath(f[1]))
}
here <- get_dir()
source(file.path(here, "_common.R"))
suppressPackageStartupMessages(library(lme4))

icc_case <- function(name, x, extra = list()) {
  x <- as.data.frame(x)
  x <- x[complete.cases(x), , drop = FALSE]
  a <- psych::ICC(x, lmer = FALSE)
  b <- suppressMessages(suppressWarnings(psych::ICC(x, lmer = TRUE)))
  tab <- a$results
  rows <- list()
  for (i in seq_len(nrow(tab))) {
    rows[[tab$type[i]]] <- list(icc = tab$ICC[i], F = tab$F[i], df1 = tab$df1[i],
                                df2 = tab$df2[i], p = tab$p[i],
                                ci = c(tab[i, "lower bound"], tab[i, "upper bound"]))
  }
  tl <- b$results
  lm_rows <- list()
  for (i in seq_len(nrow(tl))) lm_rows[[tl$type[i]]] <- list(icc = tl$ICC[i], F = tl$F[i],
    p = tl$p[i], ci = c(tl[i, "lower bound"], tl[i, "upper bound"]))
  c(list(name = name, n = nrow(x), k = ncol(x), columns = colnames(x),
         data = lapply(x, as.numeric), rows = rows,
         MSB = a$stats["MS", "subjects"], MSJ = a$stats["MS", "Judges"],
         MSE = a$stats["MS", "Residual"], MSW = a$MSW,
         lmer_rows = lm_rows,
         lmer_agrees = isTRUE(max(abs(tl$ICC - tab$ICC)) < 1e-6)), extra)
}

cases <- list()
sf <- matrix(c(9, 6, 8, 7, 10, 6, 2, 1, 4, 1, 5, 2, 5, 3, 6, 2, 6, 4, 8, 2, 8, 6, 9, 7),
             ncol = 4, dimnames = list(NULL, paste0("J", 1:4)))
cases[[length(cases) + 1]] <- icc_case("sf", sf)

set.seed(20261201)
n <- 40
trait <- rnorm(n)
seeded <- data.frame(id = sprintf("P%02d", 1:n),
                     pre = round(3 + 0.8 * trait + rnorm(n, sd = 0.5), 1),
                     post = round(2.7 + 0.8 * trait + rnorm(n, sd = 0.5), 1),
                     follow_up = round(2.8 + 0.8 * trait + rnorm(n, sd = 0.6), 1))
seeded$post[c(5, 17)] <- NA
seeded$follow_up[c(17, 33)] <- NA
write.csv(seeded, file.path(here, "icc_data.csv"), row.names = FALSE, na = "", quote = FALSE)
message("wrote ", file.path(here, "icc_data.csv"))
cases[[length(cases) + 1]] <- icc_case("seeded", seeded[, c("pre", "post", "follow_up")],
  list(ids_complete = seeded$id[complete.cases(seeded)],
       ids_dropped = seeded$id[!complete.cases(seeded)]))
cases[[length(cases) + 1]] <- icc_case("seeded_pre_post", seeded[, c("pre", "post")])
neg <- data.frame(a = c(3.1, 2.4, 4.0, 3.3, 2.9, 3.8, 2.2, 3.5),
                  b = c(3.3, 2.2, 3.7, 3.6, 2.8, 3.9, 2.5, 3.2))
cases[[length(cases) + 1]] <- icc_case("seeded_neg", neg)

sc <- read.csv(file.path(here, "sample_scores.csv"), colClasses = c(id = "character"),
               na.strings = "")
for (s in c("individual", "family", "work", "organization", "society", "total")) {
  pre <- sc[sc$wave == "pre", c("id", s)]
  post <- sc[sc$wave == "post", c("id", s)]
  w <- merge(pre, post, by = "id", all = TRUE, suffixes = c("_pre", "_post"))
  ok <- complete.cases(w)
  cases[[length(cases) + 1]] <- icc_case(paste0("sample_", s),
    data.frame(pre = w[[paste0(s, "_pre")]], post = w[[paste0(s, "_post")]]),
    list(subscale = s, ids_dropped = w$id[!ok]))
}
for (cs in cases) cat(sprintf("%-22s n=%3d ICC1=%.6f ICC2=%.6f ICC3=%.6f lmer_agrees=%s\n",
                              cs$name, cs$n, cs$rows$ICC1$icc, cs$rows$ICC2$icc,
                              cs$rows$ICC3$icc, cs$lmer_agrees))
out <- list(meta = c(make_meta("tests/reference/icc.R"),
                     list(lme4_version = as.character(packageVersion("lme4")))),
            cases = cases)
write_ref(out, file.path(here, "icc.json"))
