// Placeholder: the hybrid-router sample is being written.
return 0;
