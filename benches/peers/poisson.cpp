// Poisson regression for TMB: l_i = y eta - exp(eta) - lgamma(y + 1), eta = X beta
#include <TMB.hpp>
template <class Type>
Type objective_function<Type>::operator()() {
  DATA_VECTOR(y);
  DATA_MATRIX(X);
  PARAMETER_VECTOR(beta);
  vector<Type> eta = X * beta;
  Type nll = 0;
  for (int i = 0; i < y.size(); i++) {
    nll -= y(i) * eta(i) - exp(eta(i)) - lgamma(y(i) + Type(1));
  }
  return nll;
}
