# Exact observed information of the user-model reference fits by an independent automatic
# differentiation: TMB (R 4.2, Debian's r-cran-tmb), from the C++ templates beside this script.
#   Rscript tests/data/user_models/exact_information.R   (after make_statsmodels.py)
# For each model: the maximum (nlminb from statsmodels' or survreg's estimates, to a gradient of
# about 1e-12), TMB's exact Hessian of -l there (obj$he), the covariance as its inverse and the
# standard errors on the natural scale of every parameter (alpha, sigma as they are), and the
# log-likelihood. survreg's Weibull fit is written beside TMB's, as the estimates' second source.
library(TMB)
library(survival)
args <- commandArgs(trailingOnly = FALSE)
here <- dirname(normalizePath(sub("--file=", "", args[grep("--file=", args)])))
path <- function(name) file.path(here, name)
num <- function(x) format(x, digits = 17)
build <- function(name) {
  dir <- tempfile()
  dir.create(dir)
  file.copy(path(paste0(name, ".cpp")), dir)
  old <- setwd(dir)
  compile(paste0(name, ".cpp"))
  dyn.load(dynlib(name))
  setwd(old)
}
exact <- function(obj, start, lower = -Inf) {
  opt <- nlminb(start, obj$fn, obj$gr, lower = lower,
                control = list(rel.tol = 1e-15, x.tol = 1e-15, eval.max = 1000, iter.max = 1000))
  # Newton steps on the exact Hessian to the last digit
  par <- opt$par
  for (k in 1:5) par <- par - solve(obj$he(par), obj$gr(par)[1, ])
  cov <- solve(obj$he(par))
  list(params = unname(par), bse = unname(sqrt(diag(cov))), llf = -obj$fn(par),
       gradient = max(abs(obj$gr(par))))
}
out <- list()

build("nb2")
quine <- read.csv(path("quine.csv"))
X <- cbind(1, as.matrix(quine[, -1]))
obj <- MakeADFun(list(y = quine$Days, X = X), list(beta = rep(0, ncol(X)), alpha = 1),
                 DLL = "nb2", silent = TRUE)
out$quine_nb2 <- exact(obj, c(rep(0, ncol(X)), 1), lower = c(rep(-Inf, ncol(X)), 1e-8))

build("zip")
d <- read.csv(path("zip.csv"))
X <- cbind(1, d$x1, d$x2)
Z <- cbind(1, d$z)
obj <- MakeADFun(list(y = d$y, X = X, Z = Z), list(gamma = c(0, 0), beta = c(0, 0, 0)),
                 DLL = "zip", silent = TRUE)
out$zip <- exact(obj, c(0, 0, 0, 0, 0))

build("weibull")
w <- read.csv(path("weibull.csv"))
X <- cbind(1, w$x1, w$x2)
obj <- MakeADFun(list(time = w$time, event = w$event, X = X), list(beta = c(0, 0, 0), sigma = 1),
                 DLL = "weibull", silent = TRUE)
out$weibull <- exact(obj, c(0, 0, 0, 1), lower = c(-Inf, -Inf, -Inf, 1e-8))
s <- survreg(Surv(time, event) ~ x1 + x2, data = w, dist = "weibull",
             control = survreg.control(rel.tolerance = 1e-14, maxiter = 100))
out$weibull_survreg <- list(params = c(unname(coef(s)), s$scale),
                            llf = as.numeric(logLik(s)))

json <- function(x) {
  if (is.list(x)) {
    inner <- paste0('"', names(x), '": ', vapply(x, json, ""), collapse = ",\n")
    return(paste0("{\n", inner, "\n}"))
  }
  if (length(x) == 1 && is.null(dim(x)) && !is.null(attr(x, "scalar"))) return(num(x))
  paste0("[", paste(num(x), collapse = ", "), "]")
}
writeLines(json(out), path("tmb.json"))
