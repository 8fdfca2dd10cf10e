#include "models/material.hpp"

#include <stdexcept>

namespace pixforge::models {

// Sources: Allpix^2 Properties.hpp (pair energies, Fano), textbook mobilities and mu-tau
// products (notes/physics.md sections 1.1 and 1.4). 1 cm^2/Vs = 1e-4 m^2/Vs.
const std::vector<Material>& all_materials() {
    static const std::vector<Material> table = {
        {"Si", 3.64, 0.115, 1400e-4, 450e-4, 1.0, 1.0},
        {"Ge", 2.97, 0.112, 36000e-4, 42000e-4, 1.0, 1.0},
        {"CdTe", 4.43, 0.24, 1100e-4, 100e-4, 3e-3 * 1e-4, 1e-4 * 1e-4},
        {"CZT", 4.6, 0.14, 1000e-4, 80e-4, 1e-2 * 1e-4, 5e-5 * 1e-4},
        {"GaAs", 4.2, 0.14, 8000e-4, 400e-4, 1.0, 1.0},
    };
    return table;
}

const Material& material_by_name(const std::string& name) {
    for (const auto& m : all_materials())
        if (m.name == name) return m;
    throw std::out_of_range("unknown material " + name);
}

}  // namespace pixforge::models
