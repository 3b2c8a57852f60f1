# Data for the between-group references (ancova.R, mixed_anova.R, lmm.R,
# change_effects.R, equivalence.R):
#   anorexia.csv      MASS::anorexia (72 girls, Treat CBT/Cont/FT, Prewt, Postwt), with an id
#   weightloss.csv    carData::WeightLoss in long form (34 people x 3 months; group
#                     Control/Diet/DietEx; wl = weight loss), id = row number
#   group_study.csv   seeded two-group study, one row per person: id, group
#                     (control/intervention), gender, smoker, rank, age, pre, post,
#                     follow (follow-up, missing for some), all values exact in the CSV
# Run:  Rscript tests/reference/group_study.R
options(digits = 16)
get_dir <- function() {
  a <- commandArgs(trailingOnly = FALSE)
  f <- sub("^--file=", "", a[grep("^--file=", a)])
  if (length(f) == 0) getwd() else dirname(normalizePath(f[1]))
}
here <- get_dir()

an <- MASS::anorexia
write.csv(data.frame(id = seq_len(nrow(an)), Treat = as.character(an$Treat),
                     Prewt = an$Prewt, Postwt = an$Postwt),
          file.path(here, "anorexia.csv"), row.names = FALSE, quote = FALSE)

wl <- carData::WeightLoss
long <- data.frame(id = rep(seq_len(nrow(wl)), 3),
                   group = rep(as.character(wl$group), 3),
                   month = rep(c("m1", "m2", "m3"), each = nrow(wl)),
                   wl = c(wl$wl1, wl$wl2, wl$wl3),
                   se = c(wl$se1, wl$se2, wl$se3))
long <- long[order(long$id, long$month), ]
write.csv(long, file.path(here, "weightloss.csv"), row.names = FALSE, quote = FALSE)

set.seed(20261201)
n_c <- 20; n_t <- 18; n <- n_c + n_t
group <- rep(c("control", "intervention"), c(n_c, n_t))
person <- rnorm(n, 0, 0.5)
pre <- round(3.2 + person + rnorm(n, 0, 0.35), 2)
post <- round(3.2 + person - ifelse(group == "intervention", 0.45, 0.05) + rnorm(n, 0, 0.35), 2)
follow <- round(3.2 + person - ifelse(group == "intervention", 0.35, 0.0) + rnorm(n, 0, 0.4), 2)
follow[c(3, 8, 15, 22, 30, 37)] <- NA            # lost at follow-up
gender <- sample(c("female", "male"), n, replace = TRUE, prob = c(0.45, 0.55))
smoker <- ifelse(runif(n) < 0.12, "yes", "no")      # rare: Fisher's exact test
rank <- sample(c("officer", "sergeant", "inspector"), n, replace = TRUE, prob = c(0.5, 0.3, 0.2))
age <- round(runif(n, 24, 55))
gs <- data.frame(id = sprintf("P%02d", seq_len(n)), group = group, gender = gender,
                 smoker = smoker, rank = rank, age = age, pre = pre, post = post,
                 follow = follow)
write.csv(gs, file.path(here, "group_study.csv"), row.names = FALSE, quote = FALSE, na = "")
print(table(gs$group, gs$smoker)); print(table(gs$group, gs$gender)); print(table(gs$group, gs$rank))
message("wrote anorexia.csv, weightloss.csv, group_study.csv")
