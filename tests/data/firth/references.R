# Reference values for tests/firth.rs: Firth's bias-reduced fits of the endometrial data
# (brglm2::endometrial, tests/data/existence/endometrial.csv) and of the separated designs of
# tests/data/existence/.
#
# - coefficients and standard errors from brglm2 0.9: type = "AS_mean" for the logit link (equal
#   to the Jeffreys-penalized maximum there), type = "MPL_Jeffreys" for probit and cloglog;
# - the penalized log-likelihood l*(b) = l(b) + 1/2 log|X'WX| at the estimate, computed here;
# - profile penalized-likelihood intervals as logistf computes them (the full model's penalty,
#   one coefficient held fixed, 2(l*max - l*profile) = qchisq(0.95, 1)), solved exactly: each
#   profile point a constrained maximization by Fisher scoring on the penalized score to 1e-13,
#   the end by uniroot to 1e-13 (logistf itself is not in Debian's archive);
# - the penalized likelihood-ratio test of NV = 0 (logistf's anova): 2(l*max - l*(NV = 0)).
#
# Run from the repository root: Rscript tests/data/firth/references.R
suppressMessages(library(brglm2))
library(jsonlite)

d <- read.csv("tests/data/existence/endometrial.csv")
X <- cbind(intercept = 1, NV = d$NV, PI = d$PI, EH = d$EH)
y <- d$HG

pieces <- function(b, link) {
  lk <- make.link(link)
  eta <- drop(X %*% b)
  mu <- lk$linkinv(eta)
  d1 <- lk$mu.eta(eta)
  v <- mu * (1 - mu)
  w <- d1^2 / v
  list(mu = mu, d1 = d1, v = v, w = w, eta = eta)
}
penalized <- function(b, link) {
  p <- pieces(b, link)
  sum(dbinom(y, 1, p$mu, log = TRUE)) + 0.5 * determinant(crossprod(X, p$w * X))$modulus[1]
}
# the penalized score: X'[(y - mu) mu'/v + h r / 2] with r = (dw/deta)/w, by differences of w in
# eta (only the score's zero matters; the end points are checked by the value)
score <- function(b, link) {
  p <- pieces(b, link)
  info <- crossprod(X, p$w * X)
  h <- p$w * rowSums((X %*% solve(info)) * X)
  eps <- 1e-6
  wp <- pieces(b, link)  # dw/deta by a central difference in eta
  lk <- make.link(link)
  wfun <- function(e) { m <- lk$linkinv(e); lk$mu.eta(e)^2 / (m * (1 - m)) }
  r <- (wfun(p$eta + eps) - wfun(p$eta - eps)) / (2 * eps) / p$w
  list(g = drop(crossprod(X, (y - p$mu) * p$d1 / p$v + h * r / 2)), info = info)
}
constrained <- function(j, value, start, link) {
  b <- start
  b[j] <- value
  free <- setdiff(seq_along(b), j)
  for (it in 1:200) {
    s <- score(b, link)
    step <- solve(s$info[free, free], s$g[free])
    f0 <- penalized(b, link)
    t <- 1
    repeat {
      nb <- b
      nb[free] <- b[free] + t * step
      if (penalized(nb, link) >= f0 - 1e-12 || t < 1e-8) break
      t <- t / 2
    }
    b <- nb
    if (max(abs(step)) < 1e-13) break
  }
  b
}

out <- list(source = "tests/data/firth/references.R (R 4.2, brglm2 0.9)")
for (link in c("logit", "probit", "cloglog")) {
  type <- if (link == "logit") "AS_mean" else "MPL_Jeffreys"
  m <- glm(HG ~ NV + PI + EH, family = binomial(link), data = d, method = "brglmFit",
           type = type, epsilon = 1e-14, maxit = 1000)
  b <- coef(m)
  entry <- list(type = type, coefficients = unname(b),
                std_errors = unname(sqrt(diag(vcov(m)))),
                penalized_loglik = penalized(b, link))
  if (link == "logit") {
    lmax <- penalized(b, link)
    crit <- qchisq(0.95, 1)
    ends <- matrix(NA, 4, 2)
    se <- sqrt(diag(vcov(m)))
    for (j in 1:4) {
      f <- function(v) 2 * (lmax - penalized(constrained(j, v, b, link), link)) - crit
      for (side in 1:2) {
        dir <- if (side == 1) -1 else 1
        far <- b[j] + dir * 2 * se[j]
        while (f(far) < 0) far <- b[j] + dir * 2 * abs(far - b[j])
        ends[j, side] <- uniroot(f, sort(c(b[j], far)), tol = 1e-13)$root
      }
    }
    entry$profile_lower <- ends[, 1]
    entry$profile_upper <- ends[, 2]
    b0 <- constrained(2, 0, b, link)
    entry$lr_nv0 <- 2 * (lmax - penalized(b0, link))
  }
  out[[link]] <- entry
}
writeLines(toJSON(out, digits = NA, auto_unbox = TRUE, pretty = TRUE), "tests/data/firth/r.json")
