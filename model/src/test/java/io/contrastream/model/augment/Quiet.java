package io.contrastream.model.augment;

/** Test settings with every augmentation switched off, so one operation can be tested alone. */
final class Quiet {

    private Quiet() {}

    static AugmentConfig.Builder builder() {
        return AugmentConfig.builder()
                .strength(0)
                .featureMaskProb(0)
                .cropMinArea(1)
                .cropAspect(1, 1)
                .flipProb(0)
                .imageNoiseProb(0)
                .erasingProb(0)
                .timeCropMinFraction(1)
                .timeMaskProb(0)
                .timeWarpMax(0)
                .channelDropProb(0);
    }

    static double mean(float[] v) {
        double s = 0;
        for (float f : v) {
            s += f;
        }
        return s / v.length;
    }
}
