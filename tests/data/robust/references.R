# Reference values for robust covariances (tests/robust.rs), from R 4.2 with sandwich 3.0:
#   Rscript tests/data/robust/references.R     (run from the repository root)
# Writes tests/data/robust/clustered.csv (simulated, seed 20261203) and
# tests/data/robust/r.json: for a linear model (lm), a logistic and a Poisson regression (glm),
# the model-based, HC0–HC3 covariances (sandwich::vcovHC) and the one-way cluster-robust
# covariance with the CR1 correction G/(G−1)·(N−1)/(N−K) (sandwich::vcovCL, type "HC1",
# cadjust = TRUE) and without any (type "HC0", cadjust = FALSE), the two-way cluster-robust one
# (clusters crossed with regions), HC2 and HC3 (the leverages of the weighted hat matrix for the
# glms), with the estimates.
library(sandwich)
set.seed(20261203)
n <- 240
g <- sample(rep(1:24, each = 10))               # 24 clusters of 10 rows
u <- rnorm(24)[g]                                # a shared effect within a cluster
x1 <- rnorm(n) + 0.5 * u
x2 <- runif(n, -1, 1)
y_linear <- 1 + 0.8 * x1 - 0.5 * x2 + u + rnorm(n) * (1 + abs(x2))   # heteroskedastic
y_binary <- rbinom(n, 1, plogis(-0.3 + 0.9 * x1 + 0.7 * x2 + 0.8 * u))
y_count <- rpois(n, exp(0.4 + 0.5 * x1 - 0.6 * x2 + 0.5 * u))
region <- sample(rep(1:8, each = 30))            # a second, crossed clustering (two-way)
d <- data.frame(cluster = g, x1 = x1, x2 = x2, y_linear = y_linear, y_binary = y_binary,
                y_count = y_count, region = region)
write.csv(d, "tests/data/robust/clustered.csv", row.names = FALSE)
d <- read.csv("tests/data/robust/clustered.csv")   # the values as the tests read them

fits <- list(
  linear = lm(y_linear ~ x1 + x2, data = d),
  logistic = glm(y_binary ~ x1 + x2, family = binomial, data = d,
                 control = glm.control(epsilon = 1e-14, maxit = 100)),
  poisson = glm(y_count ~ x1 + x2, family = poisson, data = d,
                control = glm.control(epsilon = 1e-14, maxit = 100))
)
# matrices row-major, flattened (they are symmetric)
m <- function(v) as.vector(t(unname(v)))
out <- lapply(fits, function(f) list(
  coefficients = unname(coef(f)),
  model = m(vcov(f)),
  hc0 = m(vcovHC(f, type = "HC0")),
  hc1 = m(vcovHC(f, type = "HC1")),
  cluster_cr1 = m(vcovCL(f, cluster = ~cluster, type = "HC1", cadjust = TRUE)),
  cluster_cr0 = m(vcovCL(f, cluster = ~cluster, type = "HC0", cadjust = FALSE)),
  # two-way (Cameron, Gelbach & Miller): V_cluster + V_region − V_intersection, each with its
  # own G/(G − 1), then (N − 1)/(N − K)
  twoway_cr1 = m(vcovCL(f, cluster = ~cluster + region, type = "HC1", cadjust = TRUE,
                        multi0 = FALSE)),
  hc2 = m(vcovHC(f, type = "HC2")),
  hc3 = m(vcovHC(f, type = "HC3"))
))
# HC2 and HC3 from the leverages of the weighted hat matrix (hatvalues of the IRLS fit)
# lm's own covariance uses s² = RSS/(n − p); the Gaussian MLE's uses σ̂² = RSS/n
out$linear$sigma_mle <- sqrt(sum(residuals(fits$linear)^2) / n)

num <- function(x) format(x, digits = 17)
json <- function(x) {
  if (is.list(x)) {
    items <- vapply(names(x), function(k) paste0('"', k, '": ', json(x[[k]])), "")
    return(paste0("{", paste(items, collapse = ", "), "}"))
  }
  if (is.character(x)) return(paste0('"', x, '"'))
  if (length(x) == 1) return(num(x))
  paste0("[", paste(num(x), collapse = ", "), "]")
}
out$versions <- list(r = R.version.string, sandwich = as.character(packageVersion("sandwich")))
lines <- vapply(names(out), function(k) paste0(' "', k, '": ', json(out[[k]])), "")
writeLines(c("{", paste(lines, collapse = ",\n"), "}"), "tests/data/robust/r.json")
