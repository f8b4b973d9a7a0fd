// Right-censored Weibull regression (survreg's parameterization): z = (ln t - X beta) / sigma;
// l_i = -ln sigma - ln t + z - e^z for an observed time, -e^z for a censored one
#include <TMB.hpp>
template <class Type>
Type objective_function<Type>::operator()() {
  DATA_VECTOR(time);
  DATA_VECTOR(event);
  DATA_MATRIX(X);
  PARAMETER_VECTOR(beta);
  PARAMETER(sigma);
  vector<Type> eta = X * beta;
  Type nll = 0;
  for (int i = 0; i < time.size(); i++) {
    Type z = (log(time(i)) - eta(i)) / sigma;
    nll -= event(i) * (-log(sigma) - log(time(i)) + z) - exp(z);
  }
  return nll;
}
