package io.contrastream.model.train;

import java.io.IOException;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Writes the format-6 learner fixtures of {@link LearnerStateFixturesTest}; not a test (no {@code Test} suffix), so the
 * suite never runs or skips it: {@code mvn -o -pl model test -Dtest=LearnerStateFixtures -Dfixtures.write=true}.
 */
class LearnerStateFixtures {

    @Test
    @EnabledIfSystemProperty(named = "fixtures.write", matches = "true")
    void writeTheFixtures() throws IOException {
        Files.createDirectories(LearnerStateFixturesTest.DIR);
        for (LearnerConfig.Method method : LearnerConfig.Method.values()) {
            Learner learner = new Learner(LearnerStateFixturesTest.MLP, LearnerStateFixturesTest.config(method));
            StringBuilder side = new StringBuilder("# " + LearnerStateFixturesTest.v6(method) + ".bin: seeded steps 0.." + (LearnerStateFixturesTest.TRAIN_STEPS - 1)
                    + " of LearnerStateFixturesTest; stats: loss, positive and negative cosine, queue fill, gradient norm,"
                    + " skipped, excluded negatives, queue age median and max\n");
            for (int s = 0; s < LearnerStateFixturesTest.TRAIN_STEPS; s++) side.append("train.").append(s).append('=').append(LearnerStateFixturesTest.csv(LearnerStateFixturesTest.step(learner, s))).append('\n');
            byte[] state = LearnerState.save(learner);
            side.append("step=").append(learner.step()).append('\n');
            side.append("skippedSteps=").append(learner.skippedSteps()).append('\n');
            float[] w = learner.snapshot(0).weights();
            for (int i : LearnerStateFixturesTest.probes(w.length)) side.append("query.").append(i).append('=').append(w[i]).append('\n');
            for (int s = LearnerStateFixturesTest.TRAIN_STEPS; s < LearnerStateFixturesTest.TRAIN_STEPS + LearnerStateFixturesTest.NEXT_STEPS; s++) {
                side.append("next.").append(s).append('=').append(LearnerStateFixturesTest.csv(LearnerStateFixturesTest.step(learner, s))).append('\n');
            }
            Files.write(LearnerStateFixturesTest.DIR.resolve(LearnerStateFixturesTest.v6(method) + ".bin"), state);
            Files.writeString(LearnerStateFixturesTest.DIR.resolve(LearnerStateFixturesTest.v6(method) + ".txt"), side.toString());
        }
    }

}
