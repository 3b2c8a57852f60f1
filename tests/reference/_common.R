# Shared helpers for the reference scripts in tests/reference/.
# Sourced by paired.R, alpha.R, rci.R and sample.R (not run on its own).
#
# Conventions (mirrored exactly by the Python side):
#   * change is post - pre;
#   * paired analyses use complete pairs only.

options(digits = 16)

if (!requireNamespace("jsonlite", quietly = TRUE)) {
  stop("jsonlite is required (apt-get install -y r-cran-jsonlite)")
}
suppressPackageStartupMessages({
  library(jsonlite)
  library(psych)
  library(effectsize)
  library(MASS)
})

# Directory of the running script (Rscript --file=...), so outputs land beside it.
script_dir <- function() {
  args <- commandArgs(trailingOnly = FALSE)
  f <- sub("^--file=", "", args[grep("^--file=", args)])
  if (length(f) == 0) return(getwd())
  dirname(normalizePath(f[1]))
}

make_meta <- function(script) {
  list(
    script = script,
    r_version = R.version.string,
    psych_version = as.character(packageVersion("psych")),
    effectsize_version = as.character(packageVersion("effectsize")),
    mass_version = as.character(packageVersion("MASS")),
    jsonlite_version = as.character(packageVersion("jsonlite")),
    date = format(Sys.time(), "%Y-%m-%d %H:%M:%S %Z"),
    conventions = "change = post - pre; paired analyses use complete pairs only"
  )
}

# jsonlite 1.8.4 caps `digits = NA` at 15 significant digits ("%.15g"), which
# does NOT round-trip doubles (0.1 + 0.2 is written as 0.3).  To really write
# full precision every double is pre-formatted with the shortest of
# %.15g / %.16g / %.17g that parses back to the identical double, and passed
# to jsonlite verbatim (json_verbatim = TRUE).  Length-1 doubles become JSON
# scalars (auto_unbox); wrap in I() to force an array.  NA/NaN/Inf -> null.
num_json <- function(v) {
  vapply(v, function(x) {
    if (is.na(x) || !is.finite(x)) return("null")
    for (p in 15:17) {
      s <- sprintf(paste0("%.", p, "g"), x)
      if (as.numeric(s) == x) break
    }
    s
  }, "")
}
to_verbatim <- function(x) {
  if (is.list(x)) {
    a <- attributes(x)
    y <- lapply(x, to_verbatim)
    attributes(y) <- a
    return(y)
  }
  if (is.double(x)) {
    if (!is.null(dim(x))) stop("convert matrices before writing")
    s <- num_json(x)
    if (length(x) == 1 && !inherits(x, "AsIs")) return(structure(s, class = "json"))
    return(structure(paste0("[", paste(s, collapse = ","), "]"), class = "json"))
  }
  x
}

write_ref <- function(x, path) {
  jsonlite::write_json(to_verbatim(x), path, digits = NA, auto_unbox = TRUE,
                       pretty = TRUE, na = "null", json_verbatim = TRUE)
  # round-trip check
  back <- jsonlite::fromJSON(path, simplifyVector = FALSE)
  stopifnot(is.list(back))
  message("wrote ", path)
}

# Hedges' small-sample correction, exactly as effectsize 0.8.3 computes it
# (.effect_size_difference, type = "g"), df = n - 1 for paired data.
hedges_J <- function(df) exp(lgamma(df / 2) - log(sqrt(df / 2)) - lgamma((df - 1) / 2))

# Noncentral-t CI for a paired d_z solved to high precision with uniroot.
# effectsize itself uses optim(Nelder-Mead, abstol = 1e-9) started at
# 1.1 * c(t, t) on |max(p) - .975| + |min(p) - .025|, which is usually good to
# ~5e-7 but can be off by > 1e-3; this tight version is stored separately as
# "dz_ci_uniroot" (CI of d_z = ncp limits / sqrt(n)).
ncp_ci_uniroot <- function(t, df, conf = 0.95) {
  a <- 1 - conf
  t <- unname(t)
  f <- function(ncp, target) pt(t, df, ncp) - target   # decreasing in ncp
  lo <- uniroot(f, c(t - 1, t), target = 1 - a / 2, extendInt = "downX",
                tol = 1e-14, maxiter = 10000)$root
  hi <- uniroot(f, c(t, t + 1), target = a / 2, extendInt = "downX",
                tol = 1e-14, maxiter = 10000)$root
  c(lo, hi)
}

# All paired statistics for one case.  `pre`, `post` may contain NA; only
# complete pairs are used.  Returns a named list (JSON object).
paired_stats <- function(pre, post, name = NULL, include_data = TRUE) {
  stopifnot(length(pre) == length(post))
  ok <- complete.cases(pre, post)
  x0 <- pre[ok]
  x1 <- post[ok]
  d <- x1 - x0
  n <- length(d)
  df <- n - 1

  tt <- t.test(post, pre, paired = TRUE)  # R drops incomplete pairs itself
  stopifnot(isTRUE(all.equal(unname(tt$estimate), mean(d))))

  cd <- effectsize::cohens_d(post, pre, paired = TRUE, ci = 0.95, verbose = FALSE)
  hg <- effectsize::hedges_g(post, pre, paired = TRUE, ci = 0.95, verbose = FALSE)
  J <- hedges_J(df)
  dz_manual <- mean(d) / sd(d)
  # sign check: effectsize's d is mean(x - y)/sd(x - y) with x = post, y = pre
  stopifnot(abs(cd$Cohens_d - dz_manual) < 1e-12)
  stopifnot(abs(hg$Hedges_g - dz_manual * J) < 1e-12)
  # CI check: effectsize's CI is the noncentral-t one: ncp limits / sqrt(n)
  ci_u <- ncp_ci_uniroot(unname(tt$statistic), df) / sqrt(n)
  ci_gap <- max(abs(c(cd$CI_low, cd$CI_high) - ci_u))
  # effectsize's Nelder-Mead search is not a precise root finder: e.g. in
  # "ties_zeros" its upper limit is off by 1.3e-3 (pt(t, df, ncp) = 0.0252
  # instead of 0.025).  Both versions are stored; dz_ci_gap records the gap.
  if (ci_gap > 1e-5) message(name, ": effectsize ncp CI differs from uniroot CI by ", signif(ci_gap, 3))
  stopifnot(ci_gap < 1e-2)

  wt <- suppressWarnings(wilcox.test(post, pre, paired = TRUE))
  method <- if (grepl("exact", wt$method, fixed = TRUE)) "exact" else "normal"

  # rank-biserial over non-zero differences (ranks of |d| with average ties,
  # exactly as wilcox.test ranks them: no rounding, digits.rank = Inf)
  dn <- d[d != 0]
  r <- rank(abs(dn))
  w_plus <- sum(r[dn > 0])
  w_minus <- sum(r[dn < 0])
  rb <- if ((w_plus + w_minus) > 0) (w_plus - w_minus) / (w_plus + w_minus) else NA_real_
  stopifnot(abs(w_plus - unname(wt$statistic)) < 1e-12)
  rb_es <- effectsize::rank_biserial(post, pre, paired = TRUE, verbose = FALSE)$r_rank_biserial
  # effectsize 0.8.3 (.r_rbs): zeros are dropped (sign-rank of 0 is NA, then
  # na.omit), ranks of |d| among the rest with ties.method = "average",
  # S = n_nonzero (n_nonzero + 1) / 2, r = (W+ - W-) / S.  Because
  # W+ + W- = S this is identical to our definition; the only divergence is
  # the degenerate case where every difference is identical (then
  # .safe_ranktransform returns unsigned mean ranks).  Checked below.

  ntie_groups <- sum(table(r) > 1)
  # Ties as seen after signif(d, 10).  Differs from n_tie_groups when
  # floating-point noise hides mathematical ties (MASS::anorexia CBT:
  # 0.699999999999988631 vs 0.700000000000002842).  R's default
  # (digits.rank = Inf) uses exact floating-point equality, i.e. n_tie_groups,
  # and "wilcoxon_*" are those default results.  The *_signif10 variants are
  # wilcox.test(..., digits.rank = 10) for an implementation that rounds.
  ntie_groups_s10 <- sum(table(rank(abs(signif(dn, 10)))) > 1)
  wt10 <- suppressWarnings(wilcox.test(post, pre, paired = TRUE, digits.rank = 10))

  out <- list()
  if (!is.null(name)) out$name <- name
  if (include_data) {
    out$pre <- as.list(unname(pre))   # NA -> null
    out$post <- as.list(unname(post))
  }
  out <- c(out, list(
    n = n,
    mean_diff = mean(d),
    ci_low = tt$conf.int[1],
    ci_high = tt$conf.int[2],
    t = unname(tt$statistic),
    df = unname(tt$parameter),
    p = tt$p.value,
    pre_mean = mean(x0), pre_sd = sd(x0),
    post_mean = mean(x1), post_sd = sd(x1),
    sd_diff = sd(d),
    dz = cd$Cohens_d,
    dz_ci = c(cd$CI_low, cd$CI_high),
    dz_ci_uniroot = ci_u,
    dz_ci_gap = ci_gap,
    g_z_ci_uniroot = ci_u * J,
    g_z = hg$Hedges_g,
    g_z_ci = c(hg$CI_low, hg$CI_high),
    J = J,
    d_av = mean(d) / ((sd(x0) + sd(x1)) / 2),
    wilcoxon_V = unname(wt$statistic),
    wilcoxon_p = wt$p.value,
    wilcoxon_method = method,
    wilcoxon_method_string = wt$method,
    n_nonzero = length(dn),
    n_zero = sum(d == 0),
    n_tie_groups = ntie_groups,
    n_tie_groups_signif10 = ntie_groups_s10,
    wilcoxon_V_signif10 = unname(wt10$statistic),
    wilcoxon_p_signif10 = wt10$p.value,
    wilcoxon_method_signif10 = if (grepl("exact", wt10$method, fixed = TRUE)) "exact" else "normal",
    w_plus = w_plus,
    w_minus = w_minus,
    rank_biserial = rb,
    rank_biserial_effectsize = rb_es
  ))
  out
}

# Tightly converged minres / ULS one-factor solution, for judging how far
# psych's L-BFGS-B stopping point (fa(fm = "minres")) is from the true
# minimiser of psych's objective
#   F(psi) = sum_{i<j} (R - l l')_ij^2,  l = sqrt(ev1) * vec1 of R with
#   diag 1 - psi,  subject to psych's bounds 0.005 <= psi <= 1.
# First principal-axis iteration psi <- 1 - l^2 to a 1e-15 fixed point
# (zero diagonal residual, the stationarity condition that psych's minres
# "gradient" FAgr.minres drives to zero).  If that fixed point violates the
# bounds (Heywood case), the bounded problem is solved instead with nlminb
# (PORT, numerical gradient, rel.tol 1e-15; par accurate to ~1e-7) and
# method = "nlminb_bounded" is reported.
minres_converged <- function(R, start_psi, tol = 1e-15, maxit = 100000,
                             lower = 0.005, upper = 1) {
  loads <- function(psi) {
    S <- R
    diag(S) <- 1 - psi
    e <- eigen(S, symmetric = TRUE)
    e$vectors[, 1] * sqrt(max(e$values[1], 0))
  }
  obj <- function(L) {
    res <- R - tcrossprod(L)
    sum(res[lower.tri(res)]^2)
  }
  psi <- start_psi
  for (it in seq_len(maxit)) {
    new_psi <- 1 - loads(psi)^2
    done <- max(abs(new_psi - psi)) < tol
    psi <- new_psi
    if (done) break
  }
  method <- "principal_axis_fixed_point"
  if (any(psi < lower) || any(psi > upper)) {
    nb <- nlminb(pmin(pmax(start_psi, lower), upper), function(p) obj(loads(p)),
                 lower = lower, upper = upper,
                 control = list(rel.tol = 1e-15, x.tol = 1e-15,
                                eval.max = 1e5, iter.max = 1e5))
    psi <- nb$par
    it <- nb$iterations
    method <- "nlminb_bounded"
  }
  L <- loads(psi)
  if (sum(L) < 0) L <- -L
  list(loadings = L, uniquenesses = 1 - L^2, psi = psi, iterations = it,
       method = method, objective = obj(L),
       omega_total = (sum(R) - sum(1 - L^2)) / sum(R))
}
