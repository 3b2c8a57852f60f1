# Mixed (split-plot) ANOVA references -> mixed_anova.json.
# Sphericity assumed: aov(dv ~ between * within + Error(subject / within)).
# Generalised eta squared: afex::aov_ez (observed = NULL) = SS / (SS + sum of error SS).
# Greenhouse-Geisser / Huynh-Feldt / Mauchly: car::Anova on the multivariate lm
# (idata = within levels, idesign = ~ within, type 2), summary(multivariate = FALSE).
# Only subjects with every within level enter (as aov needs).
# Data: weightloss.csv (carData::WeightLoss, 3 x 3), group_study.csv (2 x 2, and
# 2 x 3 with follow-up where six people are incomplete).
# Run after group_study.R:  Rscript tests/reference/mixed_anova.R
# Optional one-off peer check (not stored in the repository):
#   Rscript tests/reference/mixed_anova.R /work/shared/peer_data/pingouin_mixed_anova.csv OUT.json
options(digits = 16)
get_dir <- function() {
  a <- commandArgs(trailingOnly = FALSE)
  f <- sub("^--file=", "", a[grep("^--file=", a)])
  if (length(f) == 0) getwd() else dirname(normalizePath(f[1]))
}
here <- get_dir()
source(file.path(here, "_common.R"))
suppressPackageStartupMessages({ library(car); library(afex) })

mixed_case <- function(name, long, dv, within, between, subject) {
  d <- data.frame(y = long[[dv]], w = factor(long[[within]]), g = factor(long[[between]]),
                  s = factor(long[[subject]]))
  d <- d[!is.na(d$y), ]
  nw <- nlevels(d$w)
  cnt <- table(d$s)
  keep <- names(cnt)[cnt == nw]
  dropped <- sort(setdiff(levels(factor(long[[subject]])), keep))
  d <- droplevels(d[d$s %in% keep, ])
  fit <- aov(y ~ g * w + Error(s / w), data = d)
  sm <- summary(fit)
  tb <- sm[["Error: s"]][[1]]; tw <- sm[["Error: s:w"]][[1]]
  rn <- function(t) trimws(rownames(t))
  rowof <- function(t, term) t[rn(t) == term, ]
  b <- rowof(tb, "g"); eb <- rowof(tb, "Residuals")
  wi <- rowof(tw, "w"); it <- rowof(tw, "g:w"); ew <- rowof(tw, "Residuals")
  err_total <- eb[["Sum Sq"]] + ew[["Sum Sq"]]
  eff <- function(r, e) list(SS = r[["Sum Sq"]], df1 = r[["Df"]], df2 = e[["Df"]],
                             F = r[["F value"]], p = r[["Pr(>F)"]],
                             partial_eta2 = r[["Sum Sq"]] / (r[["Sum Sq"]] + e[["Sum Sq"]]),
                             ges = r[["Sum Sq"]] / (r[["Sum Sq"]] + err_total))
  res <- list(between = eff(b, eb), within = eff(wi, ew), interaction = eff(it, ew))
  # afex: ges and (type 2) F
  dd <- d; dd$s <- as.character(dd$s)
  af <- suppressMessages(afex::aov_ez("s", "y", dd, between = "g", within = "w", type = 2,
                                      anova_table = list(es = "ges", correction = "none")))
  at <- af$anova_table
  res$afex_ges <- list(between = at["g", "ges"], within = at["w", "ges"],
                       interaction = at["g:w", "ges"])
  res$afex_F <- list(between = at["g", "F"], within = at["w", "F"], interaction = at["g:w", "F"])
  # car on the multivariate lm (wide data)
  wide <- reshape(d, idvar = c("s", "g"), timevar = "w", direction = "wide")
  Y <- as.matrix(wide[, paste0("y.", levels(d$w))])
  g <- wide$g
  mlm <- lm(Y ~ g)
  idata <- data.frame(w = factor(levels(d$w), levels = levels(d$w)))
  av <- car::Anova(mlm, idata = idata, idesign = ~ w, type = 2)
  su <- summary(av, multivariate = FALSE)
  ut <- su$univariate.tests
  res$car_F <- list(between = ut["g", "F value"], within = ut["w", "F value"],
                    interaction = ut["g:w", "F value"])
  if (nw >= 3) {
    pa <- su$pval.adjustments; sp <- su$sphericity.tests
    res$sphericity <- list(
      gg_eps = pa["w", "GG eps"], hf_eps = pa["w", "HF eps"],
      within_p_gg = pa["w", "Pr(>F[GG])"], within_p_hf = pa["w", "Pr(>F[HF])"],
      interaction_p_gg = pa["g:w", "Pr(>F[GG])"], interaction_p_hf = pa["g:w", "Pr(>F[HF])"],
      mauchly_W = sp["w", "Test statistic"], mauchly_p = sp["w", "p-value"])
  }
  c(list(name = name, n_subjects = length(keep), dropped = I(dropped),
         levels_within = I(levels(d$w)), levels_between = I(levels(d$g))), res)
}

wl <- read.csv(file.path(here, "weightloss.csv"))
gs <- read.csv(file.path(here, "group_study.csv"), na.strings = "")
long2 <- rbind(data.frame(id = gs$id, group = gs$group, wave = "1pre", score = gs$pre),
               data.frame(id = gs$id, group = gs$group, wave = "2post", score = gs$post))
long3 <- rbind(long2, data.frame(id = gs$id, group = gs$group, wave = "3follow", score = gs$follow))

args <- commandArgs(trailingOnly = TRUE)
if (length(args) == 2) {          # one-off peer comparison, written outside the repository
  pm <- read.csv(args[1])
  out <- mixed_case("pingouin", pm, "Scores", "Time", "Group", "Subject")
  write_ref(out, args[2])
  quit(save = "no")
}
cases <- list(
  mixed_case("weightloss", wl, "wl", "month", "group", "id"),
  mixed_case("weightloss_se", wl, "se", "month", "group", "id"),
  mixed_case("group_study_2x2", long2, "score", "wave", "group", "id"),
  mixed_case("group_study_2x3", long3, "score", "wave", "group", "id")
)
for (cs in cases) cat(sprintf("%-18s int F=%.6f p=%.6g ges=%.6f n=%d dropped=%d\n", cs$name,
                              cs$interaction$F, cs$interaction$p, cs$interaction$ges,
                              cs$n_subjects, length(cs$dropped)))
meta <- make_meta("tests/reference/mixed_anova.R")
meta$car_version <- as.character(packageVersion("car"))
meta$afex_version <- as.character(packageVersion("afex"))
write_ref(list(meta = meta, cases = cases), file.path(here, "mixed_anova.json"))
