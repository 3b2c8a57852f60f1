# Reference values for band transitions of repeated PSS-10 screenings
#   -> transitions.csv (seeded data) and transitions.json
# Run:  Rscript tests/reference/transitions.R
#
# Data: 80 people screened at "pre" and "post" with the PSS-10 (answers 0-4),
# set.seed(2026); people 71-75 have a pre wave only, 76-80 a post wave only;
# person 3's post questionnaire has 3 of 10 items missing (total not scored:
# needs 8 of 10), person 5's pre one has 2 missing (prorated: mean * 10).
# Scoring as the pss-10 built-in: items 4, 5, 7, 8 reverse-keyed (4 - x); total =
# sum of the 10 keyed items, prorated as mean(answered) * 10 when >= 8 answered.
# Bands: [0, 14) low, [14, 27) moderate, [27, 40] high (findInterval, left-closed).
# Output: table(band_pre, band_post) over people with both totals, and the counts
# of the transitions (see band_transitions in stressgroup).

options(digits = 16)
get_dir <- function() {
  a <- commandArgs(trailingOnly = FALSE)
  f <- sub("^--file=", "", a[grep("^--file=", a)])
  if (length(f) == 0) getwd() else dirname(normalizePath(f[1]))
}
here <- get_dir()
source(file.path(here, "_common.R"))

set.seed(2026)
n <- 80
items <- paste0("PSS", 1:10)
rev_items <- paste0("PSS", c(4, 5, 7, 8))
make_wave <- function(level) {
  m <- sapply(seq_along(items), function(j) {
    p <- pmin(pmax(round(level + rnorm(n, 0, 0.9)), 0), 4)
    if (items[j] %in% rev_items) 4 - p else p
  })
  colnames(m) <- items
  m
}
lat <- rnorm(n, 2, 0.8)
pre <- data.frame(id = sprintf("P%03d", 1:n), wave = "pre", make_wave(lat))
post <- data.frame(id = sprintf("P%03d", 1:n), wave = "post", make_wave(lat - 0.4))
pre[5, c("PSS2", "PSS9")] <- NA
post[3, c("PSS1", "PSS4", "PSS6")] <- NA
d <- rbind(pre[1:75, ], post[c(1:70, 76:80), ])
write.csv(d, file.path(here, "transitions.csv"), row.names = FALSE, na = "", quote = FALSE)

keyed <- d
for (it in rev_items) keyed[[it]] <- 4 - keyed[[it]]
x <- as.matrix(keyed[, items])
answered <- rowSums(!is.na(x))
total <- rowMeans(x, na.rm = TRUE) * 10
total[answered < 8] <- NA
labs <- c("low", "moderate", "high")
d$total <- total
d$band <- ifelse(is.na(total), NA, labs[findInterval(total, c(0, 14, 27))])
a <- d[d$wave == "pre", ]; b <- d[d$wave == "post", ]
ids <- intersect(a$id, b$id)
ba <- a$band[match(ids, a$id)]; bb <- b$band[match(ids, b$id)]
ok <- !is.na(ba) & !is.na(bb)
tab <- table(factor(ba[ok], levels = labs), factor(bb[ok], levels = labs))
ia <- match(ba[ok], labs); ib <- match(bb[ok], labs)
tab_list <- list()
for (r in labs) tab_list[[r]] <- as.list(setNames(as.integer(tab[r, ]), labs))
out <- list(
  meta = make_meta("transitions.R"),
  totals = lapply(seq_len(nrow(d)), function(i) list(id = d$id[i], wave = d$wave[i],
                                                     total = d$total[i])),
  table = tab_list,
  n_both = sum(ok), only_first = length(setdiff(a$id, b$id)),
  only_second = length(setdiff(b$id, a$id)), not_evaluable = sum(!ok),
  flagged_first = sum(ia == 3), flagged_second = sum(ib == 3),
  moved_out = sum(ia == 3 & ib != 3), moved_in = sum(ia != 3 & ib == 3),
  stayed_flagged = sum(ia == 3 & ib == 3), moved_up = sum(ib > ia),
  moved_down = sum(ib < ia), same = sum(ib == ia))
write_ref(out, file.path(here, "transitions.json"))
