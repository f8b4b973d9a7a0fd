// Zero-inflated Poisson: pi = logistic(Z gamma), mu = exp(X beta);
// l_i = ln(pi + (1 - pi) e^-mu) at y = 0, ln(1 - pi) + y ln mu - mu - lgamma(y + 1) above
#include <TMB.hpp>
template <class Type>
Type objective_function<Type>::operator()() {
  DATA_VECTOR(y);
  DATA_MATRIX(X);
  DATA_MATRIX(Z);
  PARAMETER_VECTOR(gamma);
  PARAMETER_VECTOR(beta);
  vector<Type> eta = X * beta, zeta = Z * gamma;
  Type nll = 0;
  for (int i = 0; i < y.size(); i++) {
    Type pi = Type(1) / (Type(1) + exp(-zeta(i))), mu = exp(eta(i));
    if (y(i) == Type(0)) {
      nll -= log(pi + (Type(1) - pi) * exp(-mu));
    } else {
      nll -= log(Type(1) - pi) + y(i) * eta(i) - mu - lgamma(y(i) + Type(1));
    }
  }
  return nll;
}
