// express 4 is installed under the alias "express4" to run the same suites on both majors.
declare module 'express4' {
  import express from 'express';
  export default express;
}
