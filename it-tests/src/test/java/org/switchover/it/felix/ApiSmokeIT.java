package org.switchover.it.felix;

import static org.junit.Assert.assertEquals;
import static org.ops4j.pax.exam.CoreOptions.options;

import javax.inject.Inject;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.ExamFactory;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.nat.internal.NativeTestContainerFactory;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;

@RunWith(PaxExam.class)
@ExamFactory(NativeTestContainerFactory.class)
public class ApiSmokeIT {

    @Inject
    private BundleContext context;

    @Configuration
    public Option[] config() {
        return options(FelixOptions.platform(), FelixOptions.reactorBundle("api", "org.switchover.api"));
    }

    @Test
    public void apiBundleResolvesAndStarts() {
        Bundle api = null;
        for (Bundle b : context.getBundles()) {
            if (b.getSymbolicName().equals("org.switchover.api")) {
                api = b;
            }
        }
        assertEquals(Bundle.ACTIVE, api.getState());
    }
}
