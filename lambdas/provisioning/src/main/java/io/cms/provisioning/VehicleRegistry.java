package io.cms.provisioning;

import io.cms.lambda.common.BadInputException;
import io.cms.lambda.common.Vin;
import io.cms.provisioning.iot.IotCertificate;
import io.cms.provisioning.iot.IotCertificateStatus;
import io.cms.provisioning.iot.IotNotFoundException;
import io.cms.provisioning.iot.IotRegistry;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The operator's view of {@code AuthorizedVehicles}: authorize, list, revoke, import a CSV.
 * VINs follow the one product rule ({@link Vin}): 17 upper-case letters and digits without I, O
 * and Q. Lower-case input is refused rather than normalised, so what the operator typed is exactly
 * what a vehicle must send and what the thing is named.
 */
public final class VehicleRegistry {

    private static final Pattern YEAR = Pattern.compile("^(19|20)[0-9]{2}$");
    private static final int MAX_TEXT = 64;

    private final ProvisioningStore store;
    private final IotRegistry iot;

    public VehicleRegistry(ProvisioningStore store, IotRegistry iot) {
        this.store = store;
        this.iot = iot;
    }

    /**
     * A registry that only authorizes, lists and reads vehicles (no IoT control plane, e.g. a
     * client of CMS Local, whose IoT registry lives in the CMS Local process). {@link #revoke}
     * refuses with a {@link io.cms.lambda.common.ConfigurationException}.
     */
    public static VehicleRegistry withoutIot(ProvisioningStore store) {
        return new VehicleRegistry(store, null);
    }

    /**
     * Authorizes (or re-authorizes) a vehicle to provision one new certificate. The activation of
     * that certificate consumes the authorization ({@code allowProvisioning} turns false again). To
     * replace the certificate of a provisioned vehicle (lost key, ECU swap), authorize it again: its
     * current certificate stays ACTIVE until the new one is activated, which retires it.
     */
    public AuthorizedVehicle authorize(String vin, String make, String model, String year) {
        String v = Vin.require(vin);
        String mk = text("make", make);
        String md = text("model", model);
        String y = year == null ? "" : year.trim();
        if (!YEAR.matcher(y).matches()) {
            throw new BadInputException("year must be a four-digit model year between 1900 and 2099, got '"
                    + (y.length() > 16 ? y.substring(0, 16) + "..." : y) + "'");
        }
        store.authorize(v, mk, md, y);
        return store.vehicle(v).orElseThrow();
    }

    /** A page of authorized vehicles; {@code nextToken} from the previous page, or null. */
    public Page<AuthorizedVehicle> list(int limit, String nextToken) {
        return store.list(limit, nextToken);
    }

    /** One vehicle. */
    public Optional<AuthorizedVehicle> get(String vin) {
        return store.vehicle(Vin.require(vin));
    }

    /**
     * The result of a revocation.
     *
     * @param vin the VIN
     * @param previouslyActiveCertificateId the certificate that was ACTIVE, or null
     * @param deactivatedInIot how many of the VIN's certificates were still ACTIVE in IoT and are now INACTIVE
     * @param alreadyGoneFromIot how many were ACTIVE in IoT but deleted before they could be deactivated
     *     (e.g. CMS Local retired them meanwhile): they cannot connect either
     */
    public record Revocation(String vin, String previouslyActiveCertificateId, int deactivatedInIot,
                             int alreadyGoneFromIot) {
    }

    /**
     * Stops a vehicle from provisioning and deactivates its certificates: the table first (so no
     * provisioning in flight can activate one afterwards), then IoT. Running it again finishes a
     * revocation that was interrupted.
     *
     * @throws VehicleNotFoundException when the VIN is not authorized
     */
    public Revocation revoke(String vin) {
        String v = Vin.require(vin);
        if (iot == null) {
            throw new io.cms.lambda.common.ConfigurationException("revoking " + v
                    + " needs the IoT control plane to deactivate its certificate; this registry has none");
        }
        String previous = store.revoke(v).orElse(null);
        int deactivated = 0;
        int gone = 0;
        for (ProvisionedCertificate row : store.certificates(v)) {
            if (row.status() == CertificateStatus.DELETED) {
                continue;
            }
            if (row.status() == CertificateStatus.PENDING_ACTIVATION) {
                store.retirePending(v, row.certificateId());
            }
            Optional<IotCertificate> cert = iot.describeCertificate(row.certificateId());
            if (cert.isPresent() && cert.get().status() == IotCertificateStatus.ACTIVE) {
                try {
                    iot.updateCertificateStatus(row.certificateId(), IotCertificateStatus.INACTIVE);
                    deactivated++;
                } catch (IotNotFoundException e) {
                    // Deleted since it was read (a sweep, a reconcile): a deleted certificate cannot connect either.
                    gone++;
                }
            }
        }
        return new Revocation(v, previous, deactivated, gone);
    }

    /**
     * One refused CSV line.
     *
     * @param line 1-based line number in the file
     * @param message why it was refused
     */
    public record LineError(int line, String message) {
    }

    /**
     * The result of an import.
     *
     * @param imported how many lines were authorized
     * @param errors the refused lines, in file order
     */
    public record ImportReport(int imported, List<LineError> errors) {
        public ImportReport {
            errors = List.copyOf(errors);
        }
    }

    /**
     * Authorizes every good line of a CSV of {@code vin,make,model,year} (an optional header line
     * naming those columns is skipped; blank lines are skipped; fields may be double-quoted).
     * Bad lines are reported with their line number and do not stop the others.
     */
    public ImportReport importCsv(Reader csv) {
        BufferedReader in = csv instanceof BufferedReader b ? b : new BufferedReader(csv);
        List<LineError> errors = new ArrayList<>();
        Map<String, Integer> seen = new HashMap<>();
        int imported = 0;
        int lineNo = 0;
        boolean first = true;
        try {
            String line;
            while ((line = in.readLine()) != null) {
                lineNo++;
                if (line.isBlank()) {
                    continue;
                }
                List<String> fields;
                try {
                    fields = Csv.split(line);
                } catch (BadInputException e) {
                    first = false;
                    errors.add(new LineError(lineNo, e.getMessage()));
                    continue;
                }
                boolean header = first && isHeader(fields);
                first = false;
                if (header) {
                    continue;
                }
                if (fields.size() != 4) {
                    errors.add(new LineError(lineNo, "expected 4 fields vin,make,model,year but found " + fields.size()));
                    continue;
                }
                String vin = fields.get(0).trim();
                Integer firstLine = seen.get(vin);
                if (firstLine != null) {
                    errors.add(new LineError(lineNo, "vin " + vin + " already appears on line " + firstLine));
                    continue;
                }
                try {
                    authorize(vin, fields.get(1), fields.get(2), fields.get(3));
                    seen.put(vin, lineNo);
                    imported++;
                } catch (BadInputException e) {
                    errors.add(new LineError(lineNo, e.getMessage()));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the CSV after line " + lineNo, e);
        }
        return new ImportReport(imported, errors);
    }

    private static boolean isHeader(List<String> fields) {
        return fields.size() == 4 && fields.get(0).trim().equalsIgnoreCase("vin")
                && fields.get(1).trim().equalsIgnoreCase("make") && fields.get(2).trim().equalsIgnoreCase("model")
                && fields.get(3).trim().equalsIgnoreCase("year");
    }

    private static String text(String field, String value) {
        String v = value == null ? "" : value.trim();
        if (v.isEmpty()) {
            throw new BadInputException(field + " must not be empty");
        }
        if (v.length() > MAX_TEXT) {
            throw new BadInputException(field + " must be at most " + MAX_TEXT + " characters, got " + v.length());
        }
        if (!v.chars().allMatch(c -> c >= 0x20 && c != 0x7f)) {
            throw new BadInputException(field + " must not contain control characters");
        }
        return v;
    }
}
