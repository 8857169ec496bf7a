/* fmtg.c -- C printf "%g" (6 significant digits) for the Fortran driver.
   Fortran: CALL FMTG(X, BUF, N) with DOUBLE PRECISION X, CHARACTER*(*) BUF;
   returns the text in BUF(1:N). */
#include <stdio.h>
#include <stddef.h>
void fmtg_(const double *x, char *buf, int *n, size_t buflen)
{
    char tmp[64];
    int k = snprintf(tmp, sizeof tmp, "%g", *x);
    size_t i;
    if (k < 0) k = 0;
    if ((size_t)k > buflen) k = (int)buflen;
    for (i = 0; i < buflen; i++) buf[i] = (i < (size_t)k) ? tmp[i] : ' ';
    *n = k;
}
