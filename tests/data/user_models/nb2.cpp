// NB2 regression: l_i = lgamma(y + 1/a) - lgamma(1/a) - lgamma(y + 1) + y ln(a mu) - (y + 1/a) ln(1 + a mu)
#include <TMB.hpp>
template <class Type>
Type objective_function<Type>::operator()() {
  DATA_VECTOR(y);
  DATA_MATRIX(X);
  PARAMETER_VECTOR(beta);
  PARAMETER(alpha);
  vector<Type> eta = X * beta;
  Type r = Type(1) / alpha, nll = 0;
  for (int i = 0; i < y.size(); i++) {
    Type mu = exp(eta(i));
    nll -= lgamma(y(i) + r) - lgamma(r) - lgamma(y(i) + Type(1)) + y(i) * log(alpha * mu) -
           (y(i) + r) * log(Type(1) + alpha * mu);
  }
  return nll;
}
