# Host-side marker so the firmware ships inside the `forceplate` distribution
# (as package `forceplate_firmware`). Not deployed to the device.
