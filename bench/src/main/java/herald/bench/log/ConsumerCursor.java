package herald.bench.log;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The last sequence the consumer has finished with, padded onto a cache line of its own (class-hierarchy
 * padding, as Disruptor's {@code Sequence}). Written only by the consumer thread; producers read it to stay within
 * {@link LogEvents#WINDOW} of it.
 */
final class ConsumerCursor extends ConsumerCursorValue {
    byte p10, p11, p12, p13, p14, p15, p16, p17;
    byte p20, p21, p22, p23, p24, p25, p26, p27;
    byte p30, p31, p32, p33, p34, p35, p36, p37;
    byte p40, p41, p42, p43, p44, p45, p46, p47;
    byte p50, p51, p52, p53, p54, p55, p56, p57;
    byte p60, p61, p62, p63, p64, p65, p66, p67;
    byte p70, p71, p72, p73, p74, p75, p76, p77;
    byte p80, p81, p82, p83, p84, p85, p86, p87;

    ConsumerCursor(long initial) {
        VALUE.setRelease(this, initial);
    }

    long acquire() {
        return (long) VALUE.getAcquire(this);
    }

    void setRelease(long value) {
        VALUE.setRelease(this, value);
    }
}

class ConsumerCursorLhsPadding {
    byte p10, p11, p12, p13, p14, p15, p16, p17;
    byte p20, p21, p22, p23, p24, p25, p26, p27;
    byte p30, p31, p32, p33, p34, p35, p36, p37;
    byte p40, p41, p42, p43, p44, p45, p46, p47;
    byte p50, p51, p52, p53, p54, p55, p56, p57;
    byte p60, p61, p62, p63, p64, p65, p66, p67;
    byte p70, p71, p72, p73, p74, p75, p76, p77;
    byte p80, p81, p82, p83, p84, p85, p86, p87;
}

class ConsumerCursorValue extends ConsumerCursorLhsPadding {
    static final VarHandle VALUE;

    static {
        try {
            VALUE = MethodHandles.lookup().findVarHandle(ConsumerCursorValue.class, "value", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    @SuppressWarnings("unused")   // accessed through VALUE
    private long value;           // written only by the consumer thread
}
