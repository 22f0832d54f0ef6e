/* rm_smo_scan.h: the two passes over the active variables that every SMO iteration
 * makes (rusty_machine/learning/_smo.pyx, the only file that includes this header).
 *
 * An iteration of the SMO solver [FCL05, Alg. 2; CL11, Sec. 4-5] reads each active
 * variable a few times: once to pick i (the maximal violator in I_up), once to pick j
 * (the second-order choice in I_low given i), once to update the gradient with the two
 * kernel rows of {i, j}.  With n active variables of a few thousand and one kernel row
 * computed every few iterations (the cache hits), these passes are the solver's time.
 * Two changes make them cheaper without changing a single decision:
 *
 * 1. The gradient update of iteration k and the choice of i of iteration k + 1 are one
 *    pass (rm_smo_update_argmax): i needs the updated gradient and nothing else, and
 *    the statuses of the two moved variables are set before the pass.  The solver calls
 *    rm_smo_argmax_up alone only when the active set has just changed (shrinking,
 *    unshrinking, the final check on all variables).
 * 2. Membership of I_up / I_low (status[a] != excl[a]) decides with a select, not a
 *    branch: it is a data-dependent pattern a branch predictor misses about half the
 *    time, while "this candidate beats the best so far" is taken rarely (a
 *    well-predicted branch).  A variable outside the set gets -inf as its score in the
 *    max-pass and -1 as its gain numerator in the j-pass, values that never win.
 *
 * 3. That rare "beats the best" stays a branch (RM_SMO_KEEP_BRANCH): compiled as a select it
 *    would chain every element's comparison to the previous one's result (the running
 *    best), a dependency of ~10 cycles per element; as a predicted branch the
 *    elements' loads and arithmetic overlap.
 *
 * Ties go to the last index, as in the loops these replace (>=), so the iterates are
 * bit for bit those of the three-pass version.
 *
 * [FCL05] R.-E. Fan, P.-H. Chen & C.-J. Lin, "Working set selection using second order
 *         information for training support vector machines", JMLR 6 (2005) 1889-1918.
 * [CL11]  C.-C. Chang & C.-J. Lin, "LIBSVM: a library for support vector machines",
 *         ACM TIST 2(3) 2011 (implementation document, Sec. 4-6).
 */
#ifndef RM_SMO_SCAN_H
#define RM_SMO_SCAN_H

#include <math.h>
#include <stddef.h>

/* In the body of a rarely taken branch: an empty volatile asm statement, which the
 * compiler may not execute speculatively, so it keeps the branch (GCC 12 otherwise
 * if-converts it into selects, whatever probability it is told). */
#if defined(__GNUC__)
#define RM_SMO_KEEP_BRANCH() __asm__ volatile("")
#else
#define RM_SMO_KEEP_BRANCH() ((void)0)
#endif

/* The variable of I_up with the largest -y_a G_a [FCL05, eq. (9)]: returns its position
 * (-1 when I_up is empty) and writes the value to *gmax.  Variable a is in I_up when
 * status[a] != up_excl[a]. */
static ptrdiff_t rm_smo_argmax_up(ptrdiff_t n, const double *y, const double *G,
                                  const signed char *status, const signed char *up_excl,
                                  double *gmax) {
    double best = -INFINITY;
    ptrdiff_t arg = -1;
    for (ptrdiff_t a = 0; a < n; a++) {
        double v = status[a] != up_excl[a] ? -y[a] * G[a] : -INFINITY;
        if (v >= best) {
            RM_SMO_KEEP_BRANCH();
            best = v;
            arg = a;
        }
    }
    *gmax = best;
    return best == -INFINITY ? -1 : arg;       /* -inf only when no variable is in I_up */
}

/* G_a += y_a (K_i[real_a] da_i + K_j[real_a] da_j) over the n active variables (the
 * gradient of 1/2 a'Qa + p'a after a_i, a_j moved, Q_as = y_a y_s K(x_real(a), x_s)),
 * fused with rm_smo_argmax_up on the new gradient: same contract for the return value
 * and *gmax.  da_i, da_j are the moves times y_i, y_j. */
static ptrdiff_t rm_smo_update_argmax(ptrdiff_t n, const int *real, const double *y,
                                      const double *Ki, const double *Kj,
                                      double da_i, double da_j,
                                      const signed char *status,
                                      const signed char *up_excl,
                                      double *G, double *gmax) {
    double best = -INFINITY;
    ptrdiff_t arg = -1;
    for (ptrdiff_t a = 0; a < n; a++) {
        int r = real[a];
        double g = G[a] + y[a] * (Ki[r] * da_i + Kj[r] * da_j);
        G[a] = g;
        double v = status[a] != up_excl[a] ? -y[a] * g : -INFINITY;
        if (v >= best) {
            RM_SMO_KEEP_BRANCH();
            best = v;
            arg = a;
        }
    }
    *gmax = best;
    return best == -INFINITY ? -1 : arg;
}

/* The second variable j given i [FCL05, Alg. 2 / WSS 2]: over I_low (status[s] !=
 * low_excl[s]) with b_s = gmax_i - (-y_s G_s) > 0, maximise b_s^2 / a_is where
 * a_is = QD_i + QD_s - 2 K_i[real_s] (tau when not positive), compared as cross
 * products.  Returns j (-1 when no candidate) and writes to *gmax2 the largest y_s G_s
 * over I_low (-inf if empty), the M(a) of the stopping rule m(a) - M(a) < tol. */
static ptrdiff_t rm_smo_select_j(ptrdiff_t n, const int *real, const double *y,
                                 const double *G, const double *QD,
                                 const signed char *status, const signed char *low_excl,
                                 const double *Ki, double QDi, double gmax_i, double tau,
                                 double *gmax2) {
    double m2 = -INFINITY, best_num = 0.0, best_quad = 1.0;
    ptrdiff_t j = -1;
    for (ptrdiff_t s = 0; s < n; s++) {
        int low = status[s] != low_excl[s];
        double v = -y[s] * G[s];
        double mv = low ? -v : -INFINITY;
        m2 = mv > m2 ? mv : m2;
        double b = gmax_i - v;
        double quad = QDi + QD[s] - 2.0 * Ki[real[s]];
        quad = quad > 0.0 ? quad : tau;
        /* -1: never >= best_num * quad >= 0, so outside candidates cannot win */
        double num = (low && b > 0.0) ? b * b : -1.0;
        if (num * best_quad >= best_num * quad) {
            RM_SMO_KEEP_BRANCH();
            j = s;
            best_num = num;
            best_quad = quad;
        }
    }
    *gmax2 = m2;
    return j;
}

#endif
