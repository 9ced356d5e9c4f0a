package io.cms.simulator.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A closed driving loop of waypoints. A vehicle's position is a distance along the loop, so
 * position, heading and distance travelled always agree with each other.
 */
public final class Route {

    private static final double EARTH_RADIUS_M = 6_371_000.0;

    private final double[] lat;
    private final double[] lon;
    private final double[] cumulative;
    private final double length;

    private Route(List<double[]> points) {
        int n = points.size();
        lat = new double[n + 1];
        lon = new double[n + 1];
        cumulative = new double[n + 1];
        for (int i = 0; i <= n; i++) {
            double[] p = points.get(i % n);
            lat[i] = p[0];
            lon[i] = p[1];
            if (i > 0) {
                cumulative[i] = cumulative[i - 1] + distance(lat[i - 1], lon[i - 1], lat[i], lon[i]);
            }
        }
        length = cumulative[n];
    }

    /**
     * A loop of about {@code radiusMeters} around a centre, with {@code points} irregular corners,
     * the same for the same seed (so a vehicle drives the same roads after a restart).
     */
    public static Route loop(double centreLat, double centreLon, double radiusMeters, int points, long seed) {
        if (points < 3) {
            throw new IllegalArgumentException("a loop needs at least 3 points");
        }
        Random random = new Random(seed);
        List<double[]> out = new ArrayList<>();
        for (int i = 0; i < points; i++) {
            double angle = 2 * Math.PI * i / points;
            double r = radiusMeters * (0.6 + 0.8 * random.nextDouble());
            double dLat = Math.toDegrees(r * Math.cos(angle) / EARTH_RADIUS_M);
            double dLon = Math.toDegrees(r * Math.sin(angle) / (EARTH_RADIUS_M * Math.cos(Math.toRadians(centreLat))));
            out.add(new double[] {centreLat + dLat, centreLon + dLon});
        }
        return new Route(out);
    }

    /** The loop's length in metres. */
    public double length() {
        return length;
    }

    /** Latitude, longitude and heading (degrees from north) at a distance along the loop. */
    public double[] positionAt(double distanceMeters) {
        double d = ((distanceMeters % length) + length) % length;
        int i = 1;
        while (i < cumulative.length - 1 && cumulative[i] < d) {
            i++;
        }
        double segment = cumulative[i] - cumulative[i - 1];
        double f = segment == 0 ? 0 : (d - cumulative[i - 1]) / segment;
        double la = lat[i - 1] + f * (lat[i] - lat[i - 1]);
        double lo = lon[i - 1] + f * (lon[i] - lon[i - 1]);
        return new double[] {la, lo, bearing(lat[i - 1], lon[i - 1], lat[i], lon[i])};
    }

    /** Great-circle distance in metres. */
    public static double distance(double lat1, double lon1, double lat2, double lon2) {
        double p1 = Math.toRadians(lat1);
        double p2 = Math.toRadians(lat2);
        double dp = p2 - p1;
        double dl = Math.toRadians(lon2 - lon1);
        double a = Math.sin(dp / 2) * Math.sin(dp / 2) + Math.cos(p1) * Math.cos(p2) * Math.sin(dl / 2) * Math.sin(dl / 2);
        return 2 * EARTH_RADIUS_M * Math.atan2(Math.sqrt(a), Math.sqrt(1 - a));
    }

    /** Initial bearing in degrees [0, 360). */
    public static double bearing(double lat1, double lon1, double lat2, double lon2) {
        double p1 = Math.toRadians(lat1);
        double p2 = Math.toRadians(lat2);
        double dl = Math.toRadians(lon2 - lon1);
        double y = Math.sin(dl) * Math.cos(p2);
        double x = Math.cos(p1) * Math.sin(p2) - Math.sin(p1) * Math.cos(p2) * Math.cos(dl);
        return (Math.toDegrees(Math.atan2(y, x)) + 360) % 360;
    }
}
