package io.contrastream.model.drift;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SymmetricEigenTest {

    @Test
    void matchesTheTwoByTwoClosedForm() {
        double a = 3.5;
        double b = -1.25;
        double c = 0.75;
        double mid = (a + c) / 2;
        double radius = Math.sqrt((a - c) * (a - c) / 4 + b * b);
        double[] eig = SymmetricEigen.eigenvalues(new double[][] {{a, b}, {b, c}});
        assertArrayEquals(new double[] {mid - radius, mid + radius}, eig, 1e-14);
    }

    @Test
    void recoversPlantedSpectrumWithRepeatsAndNegatives() {
        int n = 40;
        double[] lambda = new double[n];
        for (int i = 0; i < n; i++) lambda[i] = i % 5 == 0 ? 2.0 : (i - 17) * 0.37;
        double[][] a = Fixtures.withEigenvalues(Fixtures.orthonormalColumns(n, null, 11L), lambda);
        double[] expected = lambda.clone();
        Arrays.sort(expected);
        assertArrayEquals(expected, SymmetricEigen.eigenvalues(a), 1e-11);
    }

    @Test
    void recoversPlantedSpectrumOfALowRankGramMatrix() {
        int n = 30;
        double[] lambda = new double[n];
        for (int i = 0; i < 4; i++) lambda[i] = Math.pow(10, i);
        double[][] a = Fixtures.withEigenvalues(Fixtures.orthonormalColumns(n, null, 5L), lambda);
        double[] expected = lambda.clone();
        Arrays.sort(expected);
        assertArrayEquals(expected, SymmetricEigen.eigenvalues(a), 1e-11);
    }

    @Test
    void preservesTraceAndFrobeniusNormOfARandomSymmetricMatrix() {
        int n = 64;
        SplittableRandom rng = new SplittableRandom(3L);
        double[][] a = new double[n][n];
        double trace = 0;
        double frob = 0;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j <= i; j++) {
                a[i][j] = rng.nextDouble(-1, 1);
                a[j][i] = a[i][j];
            }
        }
        for (int i = 0; i < n; i++) {
            trace += a[i][i];
            for (int j = 0; j < n; j++) frob += a[i][j] * a[i][j];
        }
        double[] eig = SymmetricEigen.eigenvalues(a);
        double sum = 0;
        double sumSq = 0;
        for (int i = 0; i < n; i++) {
            sum += eig[i];
            sumSq += eig[i] * eig[i];
            if (i > 0) assertTrue(eig[i - 1] <= eig[i], "ascending");
        }
        assertEquals(trace, sum, 1e-10);
        assertEquals(frob, sumSq, 1e-9);
    }

    @Test
    void handlesDiagonalZeroAndScalarMatrices() {
        assertArrayEquals(new double[] {-2, 0, 7}, SymmetricEigen.eigenvalues(new double[][] {{7, 0, 0}, {0, -2, 0}, {0, 0, 0}}));
        assertArrayEquals(new double[] {0, 0, 0, 0}, SymmetricEigen.eigenvalues(new double[4][4]));
        assertArrayEquals(new double[] {-4.5}, SymmetricEigen.eigenvalues(new double[][] {{-4.5}}));
    }

    @Test
    void leavesTheInputUntouched() {
        double[][] a = {{2, 1, 0}, {1, 2, 1}, {0, 1, 2}};
        double[][] copy = {a[0].clone(), a[1].clone(), a[2].clone()};
        double[] eig = SymmetricEigen.eigenvalues(a);
        assertArrayEquals(new double[] {2 - Math.sqrt(2), 2, 2 + Math.sqrt(2)}, eig, 1e-14);
        for (int i = 0; i < 3; i++) assertArrayEquals(copy[i], a[i]);
    }

    @Test
    void decomposesA256SquareMatrixAccurately() {
        int n = 256;
        double[] lambda = new double[n];
        for (int i = 0; i < n; i++) lambda[i] = i / 16.0 - 3;
        double[][] a = Fixtures.withEigenvalues(Fixtures.orthonormalColumns(n, null, 19L), lambda);
        assertArrayEquals(lambda, SymmetricEigen.eigenvalues(a), 1e-10);
    }

    @Test
    void rejectsNonSquareAsymmetricAndNonFiniteInput() {
        assertThrows(IllegalArgumentException.class, () -> SymmetricEigen.eigenvalues(new double[0][0]));
        assertThrows(IllegalArgumentException.class, () -> SymmetricEigen.eigenvalues(new double[][] {{1, 2}}));
        assertThrows(IllegalArgumentException.class, () -> SymmetricEigen.eigenvalues(new double[][] {{1, 2}, {3, 4}}));
        assertThrows(IllegalArgumentException.class,
                () -> SymmetricEigen.eigenvalues(new double[][] {{1, Double.NaN}, {Double.NaN, 1}}));
    }
}
