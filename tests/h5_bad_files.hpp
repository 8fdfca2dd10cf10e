// Helpers that write malformed HDF5 content with the C API (arrays of any rank and type, array
// attributes) so tests can check that every reader refuses it with a clear message.
#pragma once

#include <hdf5.h>

#include <functional>
#include <string>
#include <vector>

#include "core/error.hpp"

namespace pixforge::test {

// Replaces (or creates) the array `name` under `parent`: `dims` (empty = scalar) of `type`,
// zero-filled. Intermediate groups must exist.
inline void put_array(hid_t parent, const std::string& name, hid_t type, const std::vector<hsize_t>& dims) {
    if (H5Lexists(parent, name.c_str(), H5P_DEFAULT) > 0) H5Ldelete(parent, name.c_str(), H5P_DEFAULT);
    const hid_t space = dims.empty() ? H5Screate(H5S_SCALAR)
                                     : H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr);
    const hid_t ds = H5Dcreate2(parent, name.c_str(), type, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    hsize_t points = 1;
    for (hsize_t d : dims) points *= d;
    std::vector<char> zeros(points * H5Tget_size(type) + 1, 0);
    H5Dwrite(ds, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, zeros.data());
    H5Dclose(ds);
    H5Sclose(space);
}

// Fixed-length (8-byte) strings: a type no numeric reader accepts.
inline void put_string_array(hid_t parent, const std::string& name, hsize_t rows) {
    const hid_t type = H5Tcopy(H5T_C_S1);
    H5Tset_size(type, 8);
    put_array(parent, name, type, {rows});
    H5Tclose(type);
}

// Replaces (or creates) the attribute `name` of `obj` as `dims` values of `type`, zero-filled.
inline void put_attribute(hid_t obj, const std::string& name, hid_t type, const std::vector<hsize_t>& dims) {
    if (H5Aexists(obj, name.c_str()) > 0) H5Adelete(obj, name.c_str());
    const hid_t space = dims.empty() ? H5Screate(H5S_SCALAR)
                                     : H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr);
    const hid_t attr = H5Acreate2(obj, name.c_str(), type, space, H5P_DEFAULT, H5P_DEFAULT);
    hsize_t points = 1;
    for (hsize_t d : dims) points *= d;
    std::vector<char> zeros(points * H5Tget_size(type) + 1, 0);
    H5Awrite(attr, type, zeros.data());
    H5Aclose(attr);
    H5Sclose(space);
}

// "ID message" of the PixError `f` throws, or "none".
inline std::string error_text(const std::function<void()>& f) {
    try {
        f();
    } catch (const PixError& e) {
        return e.id() + " " + e.what();
    }
    return "none";
}

}  // namespace pixforge::test
