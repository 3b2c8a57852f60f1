# Reference values for clinically significant change -> clinical.json
# Run:  Rscript tests/reference/clinical.R
#
# Jacobson & Truax (1991), computed by hand (no R package needed):
#   dysfunctional population = the sample at pre: M_pre = mean(pre), SD_pre = sd(pre)
#     over every non-missing pre score (as reliable_change's sd_pre)
#   S_diff = sqrt(2) * SD_pre * sqrt(1 - r_xx);  rci = (post - pre) / S_diff
#   higher_is = "worse":  a = M_pre - 2 SD_pre;  b = M_norm + 2 SD_norm
#   higher_is = "better": a = M_pre + 2 SD_pre;  b = M_norm - 2 SD_norm
#   c = (SD_norm * M_pre + SD_pre * M_norm) / (SD_pre + SD_norm)
#   functional(x) = x strictly on the functional side of the cut-off
#     (x < cut when higher is worse, x > cut when higher is better)
#   reliable improvement: rci < -1.96 (worse) / rci > 1.96 (better); deterioration the reverse
#   recovered    = reliable improvement & !functional(pre) & functional(post)
#   improved     = reliable improvement otherwise
#   deteriorated = reliable deterioration;  unchanged = no reliable change
#   targeted     = classified (both scores) & (deteriorated | !functional(post))

options(digits = 16)
get_dir <- function() {
  a <- commandArgs(trailingOnly = FALSE)
  f <- sub("^--file=", "", a[grep("^--file=", a)])
  if (length(f) == 0) getwd() else dirname(normalizePath(f[1]))
}
here <- get_dir()
source(file.path(here, "_common.R"))

classify <- function(pre, post, rci, cut, higher_is, crit = 1.96) {
  tow <- if (higher_is == "worse") -1 else 1
  fun_pre <- tow * (pre - cut) > 0
  fun_post <- tow * (post - cut) > 0
  both <- !is.na(pre) & !is.na(post)
  imp <- tow * rci > crit
  det <- tow * rci < -crit
  cat <- ifelse(det, "deteriorated", ifelse(imp, ifelse(!fun_pre & fun_post, "recovered", "improved"),
                                            "unchanged"))
  cat[!both] <- NA
  targeted <- both & (cat %in% "deteriorated" | !fun_post)
  targeted[is.na(targeted)] <- FALSE
  counts <- sapply(c("recovered", "improved", "unchanged", "deteriorated"),
                   function(k) sum(cat == k, na.rm = TRUE), simplify = FALSE)
  list(cutoff_value = cut, category = as.list(cat), functional_pre = as.list(fun_pre),
       functional_post = as.list(fun_post), targeted_flag = as.list(targeted),
       counts = counts)
}

case <- function(name, pre, post, ids, r_xx, higher_is, norm = NULL) {
  base <- pre[!is.na(pre)]
  m_pre <- mean(base); sd_pre <- sd(base)
  s_diff <- sqrt(2) * sd_pre * sqrt(1 - r_xx)
  rci <- (post - pre) / s_diff
  tow <- if (higher_is == "worse") -1 else 1
  cuts <- list(a = m_pre + tow * 2 * sd_pre)
  if (!is.null(norm)) {
    cuts$b <- norm$mean - tow * 2 * norm$sd
    cuts$c <- (norm$sd * m_pre + sd_pre * norm$mean) / (sd_pre + norm$sd)
  }
  by_cut <- lapply(names(cuts), function(k) {
    out <- classify(pre, post, rci, cuts[[k]], higher_is)
    out$targeted <- I(ids[unlist(out$targeted_flag)])
    out
  })
  names(by_cut) <- names(cuts)
  message(name, ": ", paste(names(cuts), signif(unlist(cuts), 5), collapse = ", "))
  for (k in names(by_cut)) message("  ", k, ": ", paste(names(by_cut[[k]]$counts),
                                   unlist(by_cut[[k]]$counts), collapse = " "),
                                   "; targeted ", paste(by_cut[[k]]$targeted, collapse = " "))
  list(name = name, ids = I(ids), pre = as.list(pre), post = as.list(post), r_xx = r_xx,
       higher_is = higher_is, norm = if (is.null(norm)) NA else norm, mean_pre = m_pre, sd_pre = sd_pre,
       s_diff = s_diff, rci = as.list(rci), cutoffs = cuts, by_cutoff = by_cut)
}

set.seed(20261203)
n <- 16
ids <- sprintf("P%02d", 1:n)
# SCL-90-like GSI (mean of 90 items scored 1-5): a distressed group before,
# most better after; scores on the 1/90 grid
pre <- round(pmin(4, pmax(1.2, rnorm(n, 2.3, 0.45))) * 90) / 90
post <- round(pmin(4, pmax(1, pre + rnorm(n, -0.45, 0.35))) * 90) / 90
pre[5] <- NA; post[11] <- NA
gsi_norm <- list(mean = 1.44, sd = 0.43)   # scl-90.yaml: Chinese normal adults (1986)
cases <- list(
  case("gsi_norms", pre, post, ids, 0.97, "worse", gsi_norm),
  case("gsi_sample_only", pre, post, ids, 0.97, "worse"),
  case("gsi_low_reliability", pre, post, ids, 0.80, "worse", gsi_norm)
)
an <- MASS::anorexia
cbt <- an[an$Treat == "CBT", ]
# illustrative norm for body weight (lb) of healthy young women; higher is better
cases[[4]] <- case("anorexia_cbt_better", cbt$Prewt, cbt$Postwt,
                   sprintf("CBT%02d", seq_len(nrow(cbt))), 0.95, "better",
                   list(mean = 120, sd = 12))
s1 <- sleep[sleep$group == "1", ]; s1 <- s1[order(s1$ID), ]
s2 <- sleep[sleep$group == "2", ]; s2 <- s2[order(s2$ID), ]
cases[[5]] <- case("sleep_worse_sample", s1$extra, s2$extra, paste0("S", s1$ID), 0.7, "worse")

write_ref(list(meta = make_meta("tests/reference/clinical.R"), cases = cases),
          file.path(here, "clinical.json"))
