import { Controller, Get, Render } from '@nestjs/common';
import { Public } from '@app/auth';

@Public()
@Controller()
export class HomeController {
  @Get()
  @Render('home')
  home() {
    return { title: 'Welcome' };
  }
}
