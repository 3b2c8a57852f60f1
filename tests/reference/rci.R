# Reference values for Jacobson-Truax reliable change -> rci.json, and
# Holm / Benjamini-Hochberg p-value adjustment -> padjust.json.
# Run:  Rscript tests/reference/rci.R
#
# Definitions (change = post - pre):
#   sd_pre = sd(pre)            (n - 1 denominator, over the given pre values)
#   S_diff = sqrt(2) * sd_pre * sqrt(1 - r_xx)
#   rci    = (post - pre) / S_diff
#   higher_is = "better": improved if rci > 1.96, deteriorated if rci < -1.96
#   higher_is = "worse" : improved if rci < -1.96, deteriorated if rci > 1.96
#   otherwise unchanged (|rci| == 1.96 exactly counts as unchanged).

options(digits = 16)
get_dir <- function() {
  a <- commandArgs(trailingOnly = FALSE)
  f <- sub("^--file=", "", a[grep("^--file=", a)])
  if (length(f) == 0) getwd() else dirname(normalizePath(f[1]))
}
here <- get_dir()
source(file.path(here, "_common.R"))

rci_case <- function(name, pre, post, r_xx, higher_is, sd_pre = sd(pre)) {
  stopifnot(higher_is %in% c("better", "worse"))
  s_diff <- sqrt(2) * sd_pre * sqrt(1 - r_xx)
  rci <- (post - pre) / s_diff
  if (higher_is == "better") {
    cls <- ifelse(rci > 1.96, "improved", ifelse(rci < -1.96, "deteriorated", "unchanged"))
  } else {
    cls <- ifelse(rci < -1.96, "improved", ifelse(rci > 1.96, "deteriorated", "unchanged"))
  }
  list(
    name = name,
    higher_is = higher_is,
    n = length(pre),
    pre = I(as.numeric(pre)),
    post = I(as.numeric(post)),
    sd_pre = sd_pre,
    r_xx = r_xx,
    s_diff = s_diff,
    sem = sd_pre * sqrt(1 - r_xx),
    rci = I(rci),
    classification = I(cls),
    counts = list(
      improved = sum(cls == "improved"),
      unchanged = sum(cls == "unchanged"),
      deteriorated = sum(cls == "deteriorated")
    )
  )
}

an <- MASS::anorexia
s1 <- sleep[sleep$group == "1", ]; s1 <- s1[order(s1$ID), ]
s2 <- sleep[sleep$group == "2", ]; s2 <- s2[order(s2$ID), ]

cases <- list(
  rci_case("anorexia_all", an$Prewt, an$Postwt, r_xx = 0.80, higher_is = "better"),
  rci_case("sleep_worse", s1$extra, s2$extra, r_xx = 0.70, higher_is = "worse")
)
for (cs in cases) {
  cat(cs$name, ": sd_pre =", cs$sd_pre, " s_diff =", cs$s_diff, "\n")
  print(unlist(cs$counts))
}
write_ref(list(meta = make_meta("tests/reference/rci.R"), cases = cases),
          file.path(here, "rci.json"))

# ------------------------------------------------------------ p.adjust
pv <- list(
  simple = c(0.01, 0.04, 0.03, 0.005, 0.20),
  with_ties = c(0.02, 0.02, 0.04, 0.001, 0.04, 0.5),
  large_values = c(0.30, 0.45, 0.60, 0.90, 0.75),
  five_subscales = c(0.0123, 0.2345, 0.0009, 0.0488, 0.5),
  single = 0.03,
  unsorted_ten = c(0.049, 0.001, 0.8, 0.012, 0.3, 0.0004, 0.07, 0.025, 0.2, 0.0101)
)
padj <- lapply(names(pv), function(nm) {
  p <- pv[[nm]]
  list(name = nm, p = I(p),
       holm = I(p.adjust(p, method = "holm")),
       BH = I(p.adjust(p, method = "BH")))
})
# NA handling in R: NAs are kept in place and n = number of non-NA p values
p_na <- c(0.01, NA, 0.04, 0.03)
padj[[length(padj) + 1]] <- list(
  name = "with_na", p = I(p_na),
  holm = I(p.adjust(p_na, method = "holm")),
  BH = I(p.adjust(p_na, method = "BH")),
  note = "R keeps NA in place; n = number of non-NA p values"
)
write_ref(list(meta = make_meta("tests/reference/rci.R"), cases = padj),
          file.path(here, "padjust.json"))
