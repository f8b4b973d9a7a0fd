# R 4.2's answers for the family reference tests (glm, MASS::glm.nb, MASS::gamma.shape).
#   Rscript tests/data/families/references.R     (run before make_statsmodels.py, which reads
#                                                  the Gamma shapes from r.json)
# Writes quine.csv (MASS::quine with its factors in treatment coding) and r.json: per fit the
# coefficients, the log-likelihood (logLik), and the auxiliary parameter (NB2 alpha = 1/theta,
# with glm.nb's standard error by the delta method, which holds the coefficients fixed and so is
# not the joint one; the Gamma shape by maximum likelihood with its standard error, which is the
# joint one as the shape is orthogonal to the coefficients at the maximum). R's glm standard errors come from the expected information; for
# non-canonical links they differ from the observed-information ones mle reports, so only the
# canonical fits' standard errors are compared (statsmodels.json has the observed ones).
library(MASS)
args <- commandArgs(trailingOnly = FALSE)
here <- dirname(normalizePath(sub("--file=", "", args[grep("--file=", args)])))
path <- function(name) file.path(here, name)
num <- function(x) format(x, digits = 17)
out <- list()
fit_values <- function(fit, names) {
  list(names = names, params = unname(coef(fit)), bse = unname(sqrt(diag(vcov(fit)))),
       llf = as.numeric(logLik(fit)))
}

spector <- read.csv(path("spector.csv"))
for (link in c("logit", "probit", "cloglog")) {
  f <- glm(GRADE ~ GPA + TUCE + PSI, family = binomial(link = link), data = spector,
           control = glm.control(epsilon = 1e-14, maxit = 100))
  out[[paste0("spector_", link)]] <- fit_values(f, c("intercept", "GPA", "TUCE", "PSI"))
}

star <- read.csv(path("star98.csv"))
covariates <- setdiff(names(star), c("successes", "trials"))
form <- as.formula(paste("cbind(successes, trials - successes) ~", paste(covariates, collapse = " + ")))
for (link in c("logit", "probit", "cloglog")) {
  f <- glm(form, family = binomial(link = link), data = star,
           control = glm.control(epsilon = 1e-14, maxit = 100))
  out[[paste0("star98_", link)]] <- fit_values(f, c("intercept", covariates))
}

cp <- read.csv(path("cpunish.csv"))
f <- glm(EXECUTIONS ~ INCOME + PERPOVERTY + PERBLACK + LN_VC100k96 + SOUTH + DEGREE,
         family = poisson, data = cp, control = glm.control(epsilon = 1e-14, maxit = 100))
out[["cpunish_poisson"]] <- fit_values(f, c("intercept", "INCOME", "PERPOVERTY", "PERBLACK",
                                           "LN_VC100k96", "SOUTH", "DEGREE"))

sc <- read.csv(path("scotland.csv"))
covariates <- setdiff(names(sc), "YES")
form <- as.formula(paste("YES ~", paste(covariates, collapse = " + ")))
for (link in c("log", "inverse")) {
  f <- glm(form, family = Gamma(link = link), data = sc,
           control = glm.control(epsilon = 1e-14, maxit = 100))
  mu <- fitted(f)
  # the maximum likelihood shape given the fitted means (MASS::gamma.shape solves the same
  # equation; uniroot to 1e-15 here): n(ln nu + 1 - digamma(nu)) + sum(ln(y/mu) - y/mu) = 0,
  # and its standard error from the information n(trigamma(nu) - 1/nu)
  score <- function(nu) log(nu) + 1 - digamma(nu) + mean(log(sc$YES / mu) - sc$YES / mu)
  shape <- uniroot(score, c(1e-3, 1e6), tol = 1e-15)$root
  check <- gamma.shape(f)$alpha
  stopifnot(abs(check - shape) < 1e-6 * shape)
  v <- fit_values(f, c("intercept", covariates))
  v$shape <- shape
  v$shape_se <- 1 / sqrt(nrow(sc) * (trigamma(shape) - 1 / shape))
  v$llf <- sum(dgamma(sc$YES, shape = shape, scale = mu / shape, log = TRUE))
  v$bse <- NULL
  out[[paste0("scotland_gamma_", link)]] <- v
}

ex <- read.csv(path("exposure.csv"))
f <- glm(y_pois ~ x1 + x2 + offset(off), family = poisson, data = ex,
         control = glm.control(epsilon = 1e-14, maxit = 100))
out[["exposure_poisson"]] <- fit_values(f, c("intercept", "x1", "x2"))
nb_values <- function(f, names) {
  v <- list(names = names, params = unname(coef(f)), llf = as.numeric(logLik(f)))
  v$alpha <- 1 / f$theta
  v$alpha_se <- f$SE.theta / f$theta^2
  v
}
f <- glm.nb(y_nb ~ x1 + x2 + offset(off), data = ex, control = glm.control(epsilon = 1e-14, maxit = 100))
out[["exposure_negbin"]] <- nb_values(f, c("intercept", "x1", "x2"))

q <- quine
q$EthN <- as.numeric(q$Eth == "N")
q$SexM <- as.numeric(q$Sex == "M")
q$AgeF1 <- as.numeric(q$Age == "F1")
q$AgeF2 <- as.numeric(q$Age == "F2")
q$AgeF3 <- as.numeric(q$Age == "F3")
q$LrnSL <- as.numeric(q$Lrn == "SL")
q <- q[, c("Days", "EthN", "SexM", "AgeF1", "AgeF2", "AgeF3", "LrnSL")]
write.csv(q, path("quine.csv"), row.names = FALSE)
f <- glm.nb(Days ~ EthN + SexM + AgeF1 + AgeF2 + AgeF3 + LrnSL, data = q,
            control = glm.control(epsilon = 1e-14, maxit = 100))
out[["quine_negbin"]] <- nb_values(f, c("intercept", "EthN", "SexM", "AgeF1", "AgeF2", "AgeF3", "LrnSL"))
# the likelihood-ratio test of AgeF1 = AgeF2 = AgeF3 = 0 (mle fit negbin --test ...): the NB2
# without the age terms, its own alpha re-estimated
r <- glm.nb(Days ~ EthN + SexM + LrnSL, data = q,
            control = glm.control(epsilon = 1e-14, maxit = 100))
lr <- 2 * (as.numeric(logLik(f)) - as.numeric(logLik(r)))
out[["quine_negbin_no_age"]] <- list(loglike = as.numeric(logLik(r)), lr = lr, df = 3,
                                     p_value = pchisq(lr, 3, lower.tail = FALSE))

json <- function(x) {
  if (is.list(x)) {
    items <- vapply(names(x), function(k) paste0('"', k, '": ', json(x[[k]])), "")
    return(paste0("{", paste(items, collapse = ", "), "}"))
  }
  if (is.character(x)) return(paste0("[", paste0('"', x, '"', collapse = ", "), "]"))
  if (length(x) == 1) return(num(x))
  paste0("[", paste(num(x), collapse = ", "), "]")
}
lines <- vapply(names(out), function(k) paste0(' "', k, '": ', json(out[[k]])), "")
writeLines(c("{", paste(lines, collapse = ",\n"), "}"), path("r.json"))
