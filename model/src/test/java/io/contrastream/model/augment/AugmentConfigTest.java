package io.contrastream.model.augment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class AugmentConfigTest {

    @Test
    void defaultsMatchTheDocumentedRecipe() {
        AugmentConfig c = AugmentConfig.defaults();
        assertEquals(1.0, c.strength());
        assertEquals(0.1, c.vectorNoiseStd());
        assertEquals(0.2, c.featureMaskProb());
        assertEquals(0.8, c.scaleMin());
        assertEquals(1.2, c.scaleMax());
        assertEquals(0.5, c.cropMinArea());
        assertEquals(0.75, c.cropAspectMin());
        assertEquals(4.0 / 3.0, c.cropAspectMax());
        assertEquals(0.0, c.flipProb());
        assertEquals(0.4, c.brightness());
        assertEquals(0.4, c.contrast());
        assertEquals(0.25, c.erasingProb());
        assertEquals(0.02, c.erasingAreaMin());
        assertEquals(0.2, c.erasingAreaMax());
        assertEquals(0.3, c.erasingAspectMin());
        assertEquals(3.3, c.erasingAspectMax());
        assertEquals(0.9, c.timeCropMinFraction());
        assertEquals(0.1, c.timeWarpMax());
        assertEquals(0.2, c.channelDropProb());
        assertEquals(0.5, c.cropMinAreaFor(28));
        assertEquals(0.5, c.cropMinAreaFor(224));
        assertEquals(1 - 0.5 * 8 / 28.0, c.cropMinAreaFor(8), 1e-12, "smaller images, milder crops");
        assertEquals(1.0, c.cropMaxAreaFor(8), "whole-image crops stay possible");
        assertEquals(1 - 0.5 * 8 / 28.0, c.toBuilder().cropMinArea(0.2).cropMaxArea(0.5).build().cropMaxAreaFor(8), 1e-12,
                "a local crop's upper bound scales as the lower one");
        assertSame(c, c.validate());
    }

    @Test
    void toBuilderRoundTripsEveryField() {
        AugmentConfig c = AugmentConfig.builder()
                .strength(1.5).vectorNoiseStd(0.3).featureMaskProb(0.1).scaleRange(0.5, 1.5)
                .cropMinArea(0.3).cropAspect(0.5, 2).flipProb(0).brightness(0.2).contrast(0.3)
                .imageNoiseProb(0.9).imageNoiseStd(0.1).erasingProb(0.5).erasingArea(0.1, 0.3)
                .erasingAspect(0.5, 2).timeCropMinFraction(0.6).sequenceNoiseStd(0.2).timeMaskProb(0.7)
                .timeMaskMaxFraction(0.3).timeWarpMax(0.3).channelDropProb(0.4).build();
        assertEquals(c, c.toBuilder().build());
        assertEquals(0.25, c.withStrength(0.25).strength());
        assertEquals(c.toBuilder().strength(0.25).build(), c.withStrength(0.25));
    }

    static Stream<Arguments> badValues() {
        return Stream.of(
                bad("strength", b -> b.strength(2.01)),
                bad("strength", b -> b.strength(-0.1)),
                bad("strength", b -> b.strength(Double.NaN)),
                bad("vectorNoiseStd", b -> b.vectorNoiseStd(-1)),
                bad("vectorNoiseStd", b -> b.vectorNoiseStd(Double.POSITIVE_INFINITY)),
                bad("featureMaskProb", b -> b.featureMaskProb(1.0)),
                bad("scaleMin", b -> b.scaleRange(0, 1.2)),
                bad("scaleMax", b -> b.scaleRange(1.2, 0.8)),
                bad("cropMinArea", b -> b.cropMinArea(0)),
                bad("cropMinArea", b -> b.cropMinArea(1.5)),
                bad("cropMaxArea", b -> b.cropMaxArea(0.4)),
                bad("cropMaxArea", b -> b.cropMaxArea(1.5)),
                bad("cropAspectMin", b -> b.cropAspect(-1, 1)),
                bad("cropAspectMax", b -> b.cropAspect(2, 1)),
                bad("flipProb", b -> b.flipProb(1.5)),
                bad("brightness", b -> b.brightness(-0.4)),
                bad("contrast", b -> b.contrast(1.1)),
                bad("imageNoiseProb", b -> b.imageNoiseProb(2)),
                bad("imageNoiseStd", b -> b.imageNoiseStd(-0.05)),
                bad("erasingProb", b -> b.erasingProb(Double.NaN)),
                bad("erasingAreaMin", b -> b.erasingArea(0, 0.2)),
                bad("erasingAreaMax", b -> b.erasingArea(0.2, 0.1)),
                bad("erasingAspectMin", b -> b.erasingAspect(0, 3.3)),
                bad("erasingAspectMax", b -> b.erasingAspect(3.3, 0.3)),
                bad("timeCropMinFraction", b -> b.timeCropMinFraction(0)),
                bad("sequenceNoiseStd", b -> b.sequenceNoiseStd(-0.01)),
                bad("timeMaskProb", b -> b.timeMaskProb(-0.5)),
                bad("timeMaskMaxFraction", b -> b.timeMaskMaxFraction(1)));
    }

    private static Arguments bad(String field, UnaryOperator<AugmentConfig.Builder> edit) {
        return Arguments.of(field, edit);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badValues")
    void buildRejectsOutOfRangeValueNamingTheField(
            String field, UnaryOperator<AugmentConfig.Builder> edit) {
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> edit.apply(AugmentConfig.builder()).build());
        assertTrue(e.getMessage().startsWith(field + " must be in "), e.getMessage());
    }

    @Test
    void validateCatchesConfigsMadeThroughTheCanonicalConstructor() {
        AugmentConfig d = AugmentConfig.defaults();
        AugmentConfig bad = new AugmentConfig(3, d.vectorNoiseStd(), d.featureMaskProb(), d.scaleMin(),
                d.scaleMax(), d.cropMinArea(), d.cropMaxArea(), d.cropAspectMin(), d.cropAspectMax(), d.flipProb(),
                d.brightness(), d.contrast(), d.imageNoiseProb(), d.imageNoiseStd(), d.erasingProb(),
                d.erasingAreaMin(), d.erasingAreaMax(), d.erasingAspectMin(), d.erasingAspectMax(),
                d.timeCropMinFraction(), d.sequenceNoiseStd(), d.timeMaskProb(), d.timeMaskMaxFraction(),
                d.timeWarpMax(), d.channelDropProb());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, bad::validate);
        assertEquals("strength must be in [0, 2], got 3.0", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new VectorAugmenter(4, bad));
    }

    @Test
    void boundaryValuesAreAccepted() {
        AugmentConfig c = AugmentConfig.builder().strength(0).featureMaskProb(0).scaleRange(1, 1)
                .cropMinArea(1).cropAspect(1, 1).flipProb(1).brightness(1).contrast(1).erasingArea(1, 1)
                .timeCropMinFraction(1).timeMaskMaxFraction(0).build();
        assertEquals(0, c.strength());
        assertEquals(2, c.withStrength(2).strength());
    }
}
