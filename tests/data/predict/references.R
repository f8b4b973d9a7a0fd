# Reference values for prediction intervals (mle predict --interval; tests/predict_intervals.rs),
# from R 4.2: predict.glm(type = "link", se.fit = TRUE) and type = "response" for the logistic
# and Poisson regressions of tests/data/robust/clustered.csv on x1, x2 (every row), with the
# mean's interval the inverse link of the 95% Wald interval of eta.
#   Rscript tests/data/predict/references.R     (run from the repository root)
suppressMessages(library(jsonlite))
d <- read.csv("tests/data/robust/clustered.csv")
ctl <- glm.control(epsilon = 1e-14, maxit = 100)
z <- qnorm(0.975)
one <- function(f) {
  l <- predict(f, type = "link", se.fit = TRUE)
  r <- predict(f, type = "response", se.fit = TRUE)
  inv <- family(f)$linkinv
  list(eta = unname(l$fit), eta_se = unname(l$se.fit), mean = unname(r$fit),
       mean_se = unname(r$se.fit), mean_lower = unname(inv(l$fit - z * l$se.fit)),
       mean_upper = unname(inv(l$fit + z * l$se.fit)))
}
out <- list(
  source = "tests/data/predict/references.R (R 4.2, predict.glm)",
  logistic = one(glm(y_binary ~ x1 + x2, family = binomial, data = d, control = ctl)),
  poisson = one(glm(y_count ~ x1 + x2, family = poisson, data = d, control = ctl))
)
writeLines(toJSON(out, digits = NA, auto_unbox = TRUE), "tests/data/predict/r.json")
