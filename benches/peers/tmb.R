# TMB (R 4.2, Debian's r-cran-tmb) on a user-model benchmark file, as TMB is used: the C++
# template compiled once (not timed), then per fit MakeADFun (the tape), nlminb with TMB's exact
# gradient and Hessian, and sdreport (standard errors); the fastest of five fits.
#   Rscript benches/peers/tmb.R poisson|nb2 DATA.csv OUT.json
args <- commandArgs(trailingOnly = TRUE)
model <- args[1]
all <- commandArgs(trailingOnly = FALSE)
here <- dirname(normalizePath(sub("--file=", "", all[grep("--file=", all)])))
template <- if (model == "poisson") file.path(here, "poisson.cpp") else
  file.path(here, "../../tests/data/user_models/nb2.cpp")
suppressMessages(library(TMB))
dir <- tempfile()
dir.create(dir)
file.copy(template, dir)
old <- setwd(dir)
name <- sub("\\.cpp$", "", basename(template))
invisible(capture.output(compile(basename(template))))
dyn.load(dynlib(name))
setwd(old)
d <- read.csv(args[2])
X <- cbind(1, as.matrix(d[, -1]))
one_fit <- function() {
  if (model == "poisson") {
    obj <- MakeADFun(list(y = d$y, X = X), list(beta = rep(0, ncol(X))), DLL = name, silent = TRUE)
    lower <- -Inf
  } else {
    obj <- MakeADFun(list(y = d$y, X = X), list(beta = rep(0, ncol(X)), alpha = 1), DLL = name,
                     silent = TRUE)
    lower <- c(rep(-Inf, ncol(X)), 1e-8)
  }
  opt <- nlminb(obj$par, obj$fn, obj$gr, obj$he, lower = lower,
                control = list(rel.tol = 1e-12, eval.max = 1000, iter.max = 1000))
  rep <- sdreport(obj, opt$par)
  list(par = unname(opt$par), se = unname(sqrt(diag(rep$cov.fixed))))
}
best <- Inf
for (i in 1:5) {
  t <- system.time(r <- one_fit())[["elapsed"]]
  if (t < best) { best <- t; result <- r }
}
num <- function(x) paste(format(x, digits = 17), collapse = ", ")
writeLines(sprintf('{"seconds": %s, "estimates": [%s], "std_errors": [%s]}', format(best, digits = 6),
                   num(result$par), num(result$se)), args[3])
