# R's glm and lm beside statsmodels' formula API (tests/formula.rs): the same models on the same
# files, R coding the text columns as factors with the first sorted level as reference, as patsy
# does. Coefficient names are translated to patsy's (religiousnone -> C(religious)[T.none],
# factor(firm)GM -> C(firm)[T.General Motors], (Intercept) -> Intercept).
#   Rscript tests/data/formula/references.R     (run from the repository root)
# Writes tests/data/formula/r.json.
here <- "tests/data/formula"
fair <- read.csv(file.path(here, "fair.csv"), stringsAsFactors = TRUE)
fair_missing <- read.csv(file.path(here, "fair_missing.csv"), stringsAsFactors = TRUE,
                         na.strings = c("", "NA", "NaN", "nan"))
fair_counts <- read.csv(file.path(here, "fair_counts.csv"), stringsAsFactors = TRUE)
grunfeld <- read.csv(file.path(here, "grunfeld.csv"), stringsAsFactors = FALSE)
grunfeld$firm <- factor(grunfeld$firm, levels = sort(unique(grunfeld$firm)))

patsy <- function(names, factors) {
  names[names == "(Intercept)"] <- "Intercept"
  for (f in factors) {
    hit <- startsWith(names, f) & !(names %in% f) & !grepl(":", names)
    names[hit] <- sprintf("C(%s)[T.%s]", f, substring(names[hit], nchar(f) + 1))
  }
  names
}

table <- function(fit, factors) {
  s <- summary(fit)$coefficients
  out <- lapply(seq_len(nrow(s)), function(i) c(s[i, 1], s[i, 2]))
  names(out) <- patsy(rownames(s), factors)
  list(params = out, nobs = nobs(fit), llf = as.numeric(logLik(fit)))
}

control <- glm.control(epsilon = 1e-14, maxit = 100)
f1 <- affair ~ rate_marriage + age + religious + occupation + age:yrs_married + log(yrs_married)
out <- list(
  source = paste(R.version.string, "glm and lm"),
  logit = table(glm(f1, family = binomial, data = fair, control = control),
                c("religious", "occupation")),
  logit_missing = table(glm(f1, family = binomial, data = fair_missing, control = control),
                        c("religious", "occupation")),
  ols_firm = table(lm(invest ~ value + capital + firm, data = grunfeld), "firm"),
  # frequency weights as prior weights: R's binomial glm with weights = counts of 0/1 rows is
  # the fit of every row
  weighted_logit = table(glm(affair ~ rate_marriage + religious + children, family = binomial,
                             data = fair_counts[fair_counts$n > 0, ],
                             weights = n, control = control), "religious")
)
jsonlite::write_json(out, file.path(here, "r.json"), digits = NA, auto_unbox = TRUE,
                     pretty = TRUE)
