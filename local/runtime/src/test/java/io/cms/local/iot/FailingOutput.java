package io.cms.local.iot;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;

/** A journal output whose writes fail while {@link #failing} is set, after writing half of what they were given (a torn line). */
final class FailingOutput extends FilterOutputStream {

    volatile boolean failing;

    FailingOutput(OutputStream out) {
        super(out);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        if (failing) {
            out.write(Arrays.copyOfRange(b, off, off + len / 2));
            out.flush();
            throw new IOException("No space left on device");
        }
        out.write(b, off, len);
    }
}
