# Exact profile-likelihood interval endpoints for tests/profile.rs, from R 4.2:
#   Rscript tests/data/profile/references.R      (run from the repository root)
# For the logistic regression GRADE ~ GPA + TUCE + PSI on statsmodels' spector data
# (tests/data/families/spector.csv) and for each coefficient b_j: the values c where
# 2(l_hat - l_p(c)) = qchisq(0.95, 1), l_p(c) the maximum with b_j held at c (a glm refit with
# c * x_j as an offset), solved by uniroot to 1e-13. Not MASS::confint, which interpolates a
# spline through a grid and is off in the fifth digit (it is written beside, for comparison).
d <- read.csv("tests/data/families/spector.csv")
ctl <- glm.control(epsilon = 1e-15, maxit = 200)
full <- glm(GRADE ~ GPA + TUCE + PSI, family = binomial, data = d, control = ctl)
l_hat <- as.numeric(logLik(full))
q <- qchisq(0.95, 1)
X <- model.matrix(full)
names <- c("intercept", "GPA", "TUCE", "PSI")
profile_ll <- function(j, c) {
  off <- c * X[, j]
  rest <- X[, -j, drop = FALSE]
  f <- glm.fit(rest, d$GRADE, family = binomial(), offset = off, intercept = FALSE, control = ctl)
  # the binomial log-likelihood of 0/1 responses
  mu <- f$fitted.values
  sum(d$GRADE * log(mu) + (1 - d$GRADE) * log(1 - mu))
}
out <- list()
for (j in 1:4) {
  b <- coef(full)[j]
  se <- sqrt(diag(vcov(full)))[j]
  g <- function(c) 2 * (l_hat - profile_ll(j, c)) - q
  lower <- uniroot(g, c(b - 10 * se, b), tol = 1e-13)$root
  upper <- uniroot(g, c(b, b + 10 * se), tol = 1e-13)$root
  out[[names[j]]] <- c(lower, upper)
}
spline <- suppressMessages(MASS:::confint.glm(full))
num <- function(x) format(x, digits = 17)
lines <- vapply(names(out), function(k) paste0('  "', k, '": [', paste(num(out[[k]]), collapse = ", "), "]"), "")
mass <- vapply(seq_along(names), function(j) paste0('  "', names[j], '": [', paste(num(unname(spline[j, ])), collapse = ", "), "]"), "")
writeLines(c("{", ' "spector_logit": {', paste(lines, collapse = ",\n"), " },",
             ' "spector_logit_mass_confint": {', paste(mass, collapse = ",\n"), " },",
             paste0(' "loglike": ', num(l_hat), ","),
             paste0(' "r": "', R.version.string, '"'), "}"),
           "tests/data/profile/r.json")
