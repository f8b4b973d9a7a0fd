# Reference values for Wald tests of linear restrictions (tests/wald.rs), from R 4.2:
#   Rscript tests/data/wald/references.R     (run from the repository root)
# On tests/data/robust/clustered.csv, logistic regression of y_binary on x1, x2:
# - x1 = 0, x2 = 0 by lmtest::waldtest (the full against the intercept-only fit, chi-squared),
#   with the model-based covariance and with sandwich's HC1;
# - x1 + x2 = 0.5 and x1 = 2 x2, written out: W = (Rb - r)' (R V R')^-1 (Rb - r).
suppressMessages({library(sandwich); library(lmtest); library(jsonlite)})
d <- read.csv("tests/data/robust/clustered.csv")
ctl <- glm.control(epsilon = 1e-14, maxit = 100)
full <- glm(y_binary ~ x1 + x2, family = binomial, data = d, control = ctl)
null <- glm(y_binary ~ 1, family = binomial, data = d, control = ctl)
hc1 <- function(f) vcovHC(f, type = "HC1")
w_model <- waldtest(full, null, test = "Chisq")
w_hc1 <- waldtest(full, null, test = "Chisq", vcov = hc1)
wald <- function(R, r, V) {
  e <- R %*% coef(full) - r
  drop(t(e) %*% solve(R %*% V %*% t(R)) %*% e)
}
R2 <- rbind(c(0, 1, 1), c(0, 1, -2))
out <- list(
  source = "tests/data/wald/references.R (R 4.2, lmtest, sandwich)",
  zero_model = list(statistic = w_model$Chisq[2], df = abs(w_model$Df[2]),
                    p_value = w_model[["Pr(>Chisq)"]][2]),
  zero_hc1 = list(statistic = w_hc1$Chisq[2], df = abs(w_hc1$Df[2]),
                  p_value = w_hc1[["Pr(>Chisq)"]][2]),
  sum_model = list(statistic = wald(R2[1, , drop = FALSE], 0.5, vcov(full)), df = 1),
  pair_hc1 = list(statistic = wald(R2, c(0.5, 0), hc1(full)), df = 2)
)
writeLines(toJSON(out, digits = NA, auto_unbox = TRUE, pretty = TRUE), "tests/data/wald/r.json")
