package io.cms.provisioning;

import io.cms.lambda.common.BadInputException;

/** The VIN is not in {@code AuthorizedVehicles}. */
public class VehicleNotFoundException extends BadInputException {

    private static final long serialVersionUID = 1L;

    public VehicleNotFoundException(String vin) {
        super("vehicle " + vin + " is not in the authorized-vehicle registry");
    }
}
