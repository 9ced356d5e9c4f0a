package io.cms.api;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The latest known state of a vehicle.
 *
 * @param vin the vehicle
 * @param timestamp epoch milliseconds of the message the state comes from
 * @param signals the VSS signals of that message, nested as published
 */
public record VehicleState(String vin, long timestamp, ObjectNode signals) {
}
