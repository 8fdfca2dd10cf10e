// Physical quantities written as strings with units ("25ns", "100MHz", "10keV", "5fF", "2e5/s",
// "100e-") are parsed here, and only here, into SI doubles. Charges are the one exception to SI
// on the way out of this module: see to_electrons().
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace pixforge::units {

enum class Dimension {
    Dimensionless,
    Time,            // s
    Frequency,       // Hz
    Rate,            // 1/s (events per second)
    Energy,          // J
    Charge,          // C
    ChargeOrEnergy,  // either; resolved against the sensor's pair energy by the model layer
    Capacitance,     // F
    Length,          // m
    Voltage,         // V
    Temperature,     // K
    Power,           // W
    PowerDensity,    // W/m^2
};

struct Quantity {
    double si = 0.0;                                 // value in SI units of `dimension`
    Dimension dimension = Dimension::Dimensionless;  // never ChargeOrEnergy: the parsed one
};

constexpr double kElementaryCharge = 1.602176634e-19;  // C
constexpr double kBoltzmann = 1.380649e-23;            // J/K

// Parses "<number><unit>" (spaces allowed between). Throws std::invalid_argument with a short
// reason on failure; the config layer wraps it with the file and key.
Quantity parse(std::string_view text, Dimension expected);

// Human-readable name and example of a dimension, for error messages and --describe.
std::string dimension_name(Dimension d);
std::string example(Dimension d);
std::vector<std::string> accepted_units(Dimension d);

// Formats an SI value with a unit chosen so the mantissa is readable ("25 ns", "8240 e-"), in a
// form parse() reads back exactly (up to 9 significant digits).
std::string format(double si, Dimension d);

inline double electrons_from_coulomb(double c) {
    return c / kElementaryCharge;
}
inline double ev_from_joule(double j) {
    return j / kElementaryCharge;
}
inline double joule_from_ev(double ev) {
    return ev * kElementaryCharge;
}

}  // namespace pixforge::units
