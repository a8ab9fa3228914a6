import{r}from"./app-fs89tac7.js";export{r as maskPersonal};
